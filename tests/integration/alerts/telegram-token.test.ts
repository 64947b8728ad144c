import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { createLogger, type LogRecord } from '../../../src/main/core/base/log';
import type { ChannelStatus } from '../../../src/shared/domain/notifications';

const TOKEN = '7000001:saved-token-never-shown';
const ENV_TOKEN = '7000002:env-token-never-shown';

let core: Core | undefined;
let bot: Server | undefined;
let dir: string | undefined;
afterEach(async () => {
  await core?.stop();
  bot?.closeAllConnections();
  await new Promise((r) => (bot ? bot.close(r) : r(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
  delete process.env.CANDLEWATCH_TELEGRAM_BOT_TOKEN;
  core = bot = dir = undefined;
});

/** A local Bot API that answers ok and records the paths it was called on. */
async function startBot(): Promise<{ url: string; paths: string[] }> {
  const paths: string[] = [];
  bot = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      paths.push(req.url ?? '');
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => bot!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(bot.address() as AddressInfo).port}`, paths };
}

function start(logs: LogRecord[]): Core {
  dir ??= mkdtempSync(join(tmpdir(), 'cw-telegram-'));
  core = createCore({
    dataDir: dir,
    mode: 'headless',
    version: '0.0.0-test',
    log: createLogger((r) => logs.push(r), { level: 'debug' }),
  });
  return core;
}

async function call<T>(c: Core, method: string, input: unknown): Promise<T> {
  const r = await c.dispatch(method, input);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

const telegramStatus = async (c: Core) =>
  (await call<{ channels: ChannelStatus[] }>(c, 'notify:status', {})).channels.find(
    (s) => s.channel === 'telegram',
  )!;

describe('the Telegram bot token in the encrypted secret store', () => {
  it('is saved with secrets:set, used by the channel, never shown, kept encrypted across a restart', async () => {
    const api = await startBot();
    const logs: LogRecord[] = [];
    const answers: unknown[] = [];
    let c = start(logs);
    await call(c, 'settings:update', {
      notifications: { telegram: { enabled: true, chatId: '42', apiBaseUrl: api.url } },
    });
    expect((await telegramStatus(c)).problem).toMatch(/^no bot token/);

    answers.push(await call(c, 'secrets:set', { exchange: 'telegram', fields: { token: TOKEN } }));
    expect(answers[0]).toMatchObject({ exchange: 'telegram', fields: ['token'] });
    answers.push(await telegramStatus(c));
    expect(answers[1]).toMatchObject({ problem: null });
    answers.push(await call(c, 'notify:test', { channel: 'telegram' }));
    expect(api.paths).toEqual([`/bot${TOKEN}/sendMessage`]);
    answers.push(await call(c, 'secrets:status', {}));
    // a bot token is no exchange account: the Account tab does not list it
    answers.push(await call(c, 'account:snapshot', {}));
    expect(answers[4]).toEqual({ accounts: [] });

    await c.stop();
    const files = readdirSync(dir!).map((name) => readFileSync(join(dir!, name)).toString('latin1'));
    expect(files.some((f) => f.includes(TOKEN))).toBe(false);
    c = start(logs);
    await call(c, 'notify:test', { channel: 'telegram' });
    expect(api.paths).toEqual([`/bot${TOKEN}/sendMessage`, `/bot${TOKEN}/sendMessage`]);

    expect(await call(c, 'secrets:delete', { exchange: 'telegram' })).toEqual({ deleted: 1 });
    expect((await telegramStatus(c)).problem).toMatch(/^no bot token/);
    expect(JSON.stringify([answers, logs])).not.toContain(TOKEN);
  });

  it('is overridden by CANDLEWATCH_TELEGRAM_BOT_TOKEN, which no log line carries either', async () => {
    const api = await startBot();
    const logs: LogRecord[] = [];
    process.env.CANDLEWATCH_TELEGRAM_BOT_TOKEN = ENV_TOKEN;
    const c = start(logs);
    await call(c, 'secrets:set', { exchange: 'telegram', fields: { token: TOKEN } });
    await call(c, 'settings:update', {
      notifications: { telegram: { enabled: false, chatId: '42', apiBaseUrl: api.url } },
    });
    await call(c, 'notify:test', { channel: 'telegram' });
    expect(api.paths).toEqual([`/bot${ENV_TOKEN}/sendMessage`]);
    expect(c.redact(`fetch failed for /bot${ENV_TOKEN}/`)).not.toContain(ENV_TOKEN);
    expect(JSON.stringify(logs)).not.toContain(ENV_TOKEN);
  });
});
