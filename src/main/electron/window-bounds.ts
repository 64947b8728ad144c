import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../core/base/log';

export const MIN_WIDTH = 720;
export const MIN_HEIGHT = 480;
const MAX_SIDE = 32_768;

const windowBoundsSchema = z
  .object({
    x: z.number().int().min(-MAX_SIDE).max(MAX_SIDE).optional(),
    y: z.number().int().min(-MAX_SIDE).max(MAX_SIDE).optional(),
    width: z.number().int().min(MIN_WIDTH).max(MAX_SIDE),
    height: z.number().int().min(MIN_HEIGHT).max(MAX_SIDE),
    maximized: z.boolean(),
  })
  .refine((b) => (b.x === undefined) === (b.y === undefined), 'x and y go together');

/** Where and how big the window was; without x/y the OS centres it. */
export type WindowBounds = z.output<typeof windowBoundsSchema>;
export type Rect = { x: number; y: number; width: number; height: number };

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 800, maximized: false };

/** The title bar must stay reachable: at least this much of the window on one display. */
const MIN_VISIBLE = { width: 120, height: 40 };

/**
 * Reads the saved bounds. A missing, unreadable, corrupt or out-of-range file gives the defaults:
 * a bad file must never keep the window from opening.
 */
export function loadWindowBounds(file: string, log: Logger): WindowBounds {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ...DEFAULT_BOUNDS };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    log.warn('window bounds file is not JSON; using defaults', { file });
    return { ...DEFAULT_BOUNDS };
  }
  const parsed = windowBoundsSchema.safeParse(json);
  if (!parsed.success) {
    log.warn('window bounds file is invalid; using defaults', {
      file,
      problem: z.prettifyError(parsed.error),
    });
    return { ...DEFAULT_BOUNDS };
  }
  return parsed.data;
}

/** Writes through a temporary file and a rename, so a crash mid-write leaves the old file whole. */
export function saveWindowBounds(file: string, bounds: WindowBounds, log: Logger): void {
  const parsed = windowBoundsSchema.safeParse(bounds);
  if (!parsed.success) return;
  const temporary = `${file}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(parsed.data)}\n`);
    renameSync(temporary, file);
  } catch (err) {
    log.warn('could not save window bounds', { file, error: err });
  }
}

/**
 * Drops a saved position that no display shows any more (a monitor was unplugged since), and
 * shrinks a size larger than every display, so the window never opens out of reach.
 */
export function fitToDisplays(bounds: WindowBounds, workAreas: readonly Rect[]): WindowBounds {
  if (workAreas.length === 0) return bounds;
  const maxWidth = Math.max(...workAreas.map((a) => a.width));
  const maxHeight = Math.max(...workAreas.map((a) => a.height));
  const fitted: WindowBounds = {
    ...bounds,
    width: Math.max(MIN_WIDTH, Math.min(bounds.width, maxWidth)),
    height: Math.max(MIN_HEIGHT, Math.min(bounds.height, maxHeight)),
  };
  if (fitted.x === undefined || fitted.y === undefined) return fitted;
  const rect: Rect = { x: fitted.x, y: fitted.y, width: fitted.width, height: fitted.height };
  if (workAreas.some((area) => overlaps(rect, area))) return fitted;
  const { x: _x, y: _y, ...centred } = fitted;
  return centred;
}

function overlaps(a: Rect, b: Rect): boolean {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width >= MIN_VISIBLE.width && height >= MIN_VISIBLE.height;
}
