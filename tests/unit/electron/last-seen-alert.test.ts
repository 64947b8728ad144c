import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LAST_SEEN_ALERT_FILE, lastSeenAlertFile } from '../../../src/main/electron/remote/last-seen-alert';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cw-last-seen-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the newest server alert the desktop has told', () => {
  it('survives a restart of the app, for the server it was told by', () => {
    lastSeenAlertFile(dir, 'AA:BB').write({ id: 41, firedAt: 1_700_000_000_000 });
    expect(lastSeenAlertFile(dir, 'AA:BB').read()).toEqual({ id: 41, firedAt: 1_700_000_000_000 });
    expect(statSync(join(dir, LAST_SEEN_ALERT_FILE)).mode & 0o777).toBe(0o600);
  });

  it('is nothing for a server paired anew (another certificate), a missing file or a corrupt one', () => {
    expect(lastSeenAlertFile(dir, 'AA:BB').read()).toBeUndefined();
    lastSeenAlertFile(dir, 'AA:BB').write({ id: 41, firedAt: 1 });
    expect(lastSeenAlertFile(dir, 'CC:DD').read()).toBeUndefined();
    writeFileSync(join(dir, LAST_SEEN_ALERT_FILE), '{"fingerprint":"AA:BB","id":"x"');
    expect(lastSeenAlertFile(dir, 'AA:BB').read()).toBeUndefined();
  });
});
