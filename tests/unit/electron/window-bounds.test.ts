import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_BOUNDS,
  fitToDisplays,
  loadWindowBounds,
  saveWindowBounds,
} from '../../../src/main/electron/window-bounds';
import { recordingLogger } from './fakes';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-bounds-'));
  file = join(dir, 'window-bounds.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const screen = { x: 0, y: 0, width: 1920, height: 1050 };

describe('window bounds file', () => {
  it('round-trips, writing through a temporary file that does not stay behind', () => {
    const { log } = recordingLogger();
    const bounds = { x: -1800, y: 40, width: 1400, height: 900, maximized: true };
    saveWindowBounds(file, bounds, log);
    expect(loadWindowBounds(file, log)).toEqual(bounds);
    expect(readdirSync(dir)).toEqual(['window-bounds.json']);
  });

  it('gives the defaults when there is no file', () => {
    expect(loadWindowBounds(file, recordingLogger().log)).toEqual(DEFAULT_BOUNDS);
  });

  it.each([
    ['not JSON', '{"width": 1200, "hei'],
    ['empty', ''],
    ['a JSON array', '[1, 2]'],
    ['a size below the minimum', '{"width": 10, "height": 10, "maximized": false}'],
    ['x without y', '{"x": 5, "width": 1200, "height": 800, "maximized": false}'],
    ['a string size', '{"width": "1200", "height": 800, "maximized": false}'],
    ['a fractional position', '{"x": 1.5, "y": 2, "width": 1200, "height": 800, "maximized": false}'],
    ['an absurd position', '{"x": 1e12, "y": 2, "width": 1200, "height": 800, "maximized": false}'],
  ])('survives %s: defaults and a warning, no throw', (_label, text) => {
    writeFileSync(file, text);
    const { log, records } = recordingLogger();
    expect(loadWindowBounds(file, log)).toEqual(DEFAULT_BOUNDS);
    expect(records.some((r) => r.level === 'warn')).toBe(true);
  });

  it('logs instead of throwing when the folder cannot be written', () => {
    const { log, records } = recordingLogger();
    writeFileSync(join(dir, 'not-a-folder'), '');
    expect(() =>
      saveWindowBounds(join(dir, 'not-a-folder', 'bounds.json'), DEFAULT_BOUNDS, log),
    ).not.toThrow();
    expect(records.some((r) => r.msg === 'could not save window bounds')).toBe(true);
  });

  it('never writes bounds that would not load back', () => {
    saveWindowBounds(file, { width: 5, height: 5, maximized: false }, recordingLogger().log);
    expect(() => readFileSync(file)).toThrow();
  });
});

describe('fitting saved bounds to the displays', () => {
  it('keeps a position that is on a display', () => {
    const bounds = { x: 100, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(bounds, [screen])).toEqual(bounds);
  });

  it('drops a position on a monitor that is gone, so the OS centres the window', () => {
    const bounds = { x: 2500, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(bounds, [screen])).toEqual({ width: 1200, height: 800, maximized: false });
  });

  it('drops a position that leaves only a sliver on screen', () => {
    const bounds = { x: 1900, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(bounds, [screen])).not.toHaveProperty('x');
  });

  it('shrinks a window larger than every display', () => {
    const fitted = fitToDisplays({ width: 5000, height: 3000, maximized: false }, [screen]);
    expect(fitted).toEqual({ width: 1920, height: 1050, maximized: false });
  });

  it('keeps the bounds when the display list is unknown', () => {
    const bounds = { x: 5000, y: 5000, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(bounds, [])).toEqual(bounds);
  });
});
