import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogRecord } from '../../../src/main/core/base/log';
import { createRefusalLog } from '../../../src/main/headless/refusal-log';
import { startHeadlessServer } from '../../../src/main/headless/server';

const capture = () => {
  const records: LogRecord[] = [];
  return { records, log: createLogger((r) => records.push(r), { level: 'debug' }) };
};

describe('refused requests in the log', () => {
  it('logs the first in full, then one summary line with the counts', () => {
    const { records, log } = capture();
    const refusals = createRefusalLog(log);
    refusals.refused('foreign Host header', { host: 'evil.example' });
    for (let i = 0; i < 500; i++) refusals.refused(i % 2 ? 'foreign Origin' : 'missing or wrong token');
    expect(records).toHaveLength(1);
    expect(records[0]!.data).toEqual({ host: 'evil.example' });
    refusals.flush();
    expect(records).toHaveLength(2);
    expect(records[1]!.msg).toBe('refused 500 more requests in the last 60 s');
    expect(records[1]!.data).toEqual({ byReason: { 'missing or wrong token': 250, 'foreign Origin': 250 } });
    // A quiet window ends the spell: the next refusal is logged in full again.
    refusals.flush();
    refusals.refused('foreign Origin');
    expect(records).toHaveLength(3);
    refusals.close();
  });

  it('keeps a web page that knocks on the headless port from flooding the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-refusals-'));
    mkdirSync(join(dir, 'renderer'));
    writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
    const { records, log } = capture();
    const core = {
      dispatch: () => Promise.reject(new Error('unused')),
      events: { subscribe: () => () => {} },
    };
    const server = await startHeadlessServer({
      core: core as never,
      rendererDir: join(dir, 'renderer'),
      port: 0,
      log,
    });
    try {
      const knock = (path: string, headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
      for (let i = 0; i < 50; i++) expect(await knock('/', { host: 'evil.example' })).toBe(403);
      const upgrade = {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      };
      for (let i = 0; i < 50; i++)
        await knock('/ws?token=wrong', {
          ...upgrade,
          host: `127.0.0.1:${server.port}`,
          origin: `http://127.0.0.1:${server.port}`,
        }).catch(() => 0);
      expect(records.filter((r) => r.msg.startsWith('refused'))).toHaveLength(1);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(records.filter((r) => r.msg.startsWith('refused'))).toHaveLength(2);
  });
});
