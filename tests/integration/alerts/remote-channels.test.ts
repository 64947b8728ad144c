import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WEBHOOK_NOT_DELIVERED } from '../../../src/main/core/notify/http-post';
import type { Alert } from '../../../src/shared/domain/alert';
import type { ChannelStatus } from '../../../src/shared/domain/notifications';
import { ruleSchema } from '../../../src/shared/domain/rule';
import { BTC, MIN, T0, bars } from '../../unit/alerts/harness';
import { SignalsFixture } from './signals-fixture';

type Hit = { path: string; body: unknown; at: number };
type Reply = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A local HTTP endpoint on 127.0.0.1 whose answers the test scripts; it records every request. */
async function endpoint(reply: Reply): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      hits.push({ path: req.url ?? '', body: JSON.parse(text), at: Date.now() });
      reply(req, res, hits.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const servers: Server[] = [];
let fx: SignalsFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function fireOne(f: SignalsFixture, name = 'BTC above 100') {
  f.addRule(name, { signal: 'BUY' });
  f.signals.onCandles({ key: BTC, closed: bars([99, 101]), forming: null, origin: 'live' });
}

const channel = (f: SignalsFixture, name: string): ChannelStatus =>
  f.signals.dispatcher.status().find((s) => s.channel === name)!;

describe('webhook', () => {
  it('POSTs the alert as JSON', async () => {
    const hook = await endpoint((_q, res) => res.end('ok'));
    fx = new SignalsFixture(
      {},
      { notifications: { webhook: { enabled: true, allowLocal: true, url: `${hook.url}/hook` } } },
    );
    fireOne(fx);
    await fx.signals.dispatcher.idle();
    expect(hook.hits).toHaveLength(1);
    expect(hook.hits[0]).toMatchObject({
      path: '/hook',
      body: {
        type: 'alert',
        alert: { symbol: 'BTC/USDT', signal: 'BUY', price: 101, ruleName: 'BTC above 100' },
      },
    });
    expect(channel(fx, 'webhook').last).toMatchObject({ ok: true, attempts: 1, detail: 'HTTP 200' });
  });

  it('retries a failing endpoint 3 times with backoff, then reports it; nothing else waits', async () => {
    const hook = await endpoint((_q, res) => {
      res.statusCode = 500;
      res.end('down');
    });
    fx = new SignalsFixture(
      {},
      { notifications: { webhook: { enabled: true, allowLocal: true, url: hook.url } } },
    );
    fireOne(fx);
    // toast and native were told at once, while the webhook is still retrying
    await new Promise((r) => setImmediate(r));
    expect(fx.heardOf('alert:fired')).toHaveLength(1);
    expect(fx.shown).toHaveLength(1);
    await fx.signals.dispatcher.idle();
    expect(hook.hits).toHaveLength(4);
    expect(channel(fx, 'webhook').last).toMatchObject({
      ok: false,
      attempts: 4,
      // the same words whatever failed: a client must not learn what answers at that address
      detail: WEBHOOK_NOT_DELIVERED,
    });
  });

  it('a webhook that hangs blocks neither the other channels nor the engine', async () => {
    const hook = await endpoint(() => {
      /* never answers */
    });
    fx = new SignalsFixture(
      {},
      { notifications: { webhook: { enabled: true, allowLocal: true, url: hook.url, timeoutMs: 500 } } },
    );
    fireOne(fx);
    // the engine goes on: a thousand more candles, and a second rule firing, while the webhook hangs
    fx.signals.rules.create(
      ruleSchema.parse({
        name: 'BTC below 50',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        when: { type: 'price-cross', direction: 'below', level: 50 },
      }),
    );
    fx.signals.onCandles({
      key: BTC,
      closed: bars(
        Array.from({ length: 1_000 }, (_, i) => (i === 500 ? 40 : 101)),
        2,
      ),
      forming: null,
      origin: 'live',
    });
    // 40 at candle 502 fires the new rule; 101 right after crosses back above 100
    expect(fx.alertRows()).toHaveLength(3);
    await new Promise((r) => setImmediate(r));
    expect(fx.heardOf('alert:fired')).toHaveLength(3);
    expect(fx.shown).toHaveLength(3);
    expect(channel(fx, 'webhook')).toMatchObject({ pending: 3, last: null });

    await fx.signals.dispatcher.idle();
    expect(channel(fx, 'webhook')).toMatchObject({
      pending: 0,
      last: { ok: false, attempts: 4, detail: WEBHOOK_NOT_DELIVERED },
    });
    expect(hook.hits).toHaveLength(12);
  });

  it('honours Retry-After on a 429', async () => {
    const hook = await endpoint((_q, res, n) => {
      if (n === 1) {
        res.statusCode = 429;
        res.setHeader('retry-after', '1');
      }
      res.end();
    });
    fx = new SignalsFixture(
      {},
      { notifications: { webhook: { enabled: true, allowLocal: true, url: hook.url } } },
    );
    fireOne(fx);
    await fx.signals.dispatcher.idle();
    expect(hook.hits).toHaveLength(2);
    expect(hook.hits[1]!.at - hook.hits[0]!.at).toBeGreaterThanOrEqual(900);
    expect(channel(fx, 'webhook').last).toMatchObject({ ok: true, attempts: 2 });
  });
});

describe('telegram', () => {
  const TOKEN = '123456:TEST-token-never-shown';

  it('sends the alert with the Bot API sendMessage, keeping the token out of every result', async () => {
    const bot = await endpoint((_q, res) => res.end('{"ok":true}'));
    fx = new SignalsFixture(
      { telegramToken: () => TOKEN },
      { notifications: { telegram: { enabled: true, chatId: '-1001', apiBaseUrl: bot.url } } },
    );
    fireOne(fx);
    await fx.signals.dispatcher.idle();
    expect(bot.hits).toHaveLength(1);
    expect(bot.hits[0]!.path).toBe(`/bot${TOKEN}/sendMessage`);
    const body = bot.hits[0]!.body as { chat_id: string; text: string };
    expect(body.chat_id).toBe('-1001');
    expect(body.text).toMatch(/^BUY BTC\/USDT 1m · BTC above 100\nclose crossed above 100 at 101/);
    expect(JSON.stringify(fx.signals.dispatcher.status())).not.toContain(TOKEN);
  });

  it('says what is missing instead of sending', async () => {
    fx = new SignalsFixture({}, { notifications: { telegram: { enabled: true, chatId: '1' } } });
    fireOne(fx);
    await fx.signals.dispatcher.idle();
    expect(channel(fx, 'telegram')).toMatchObject({
      problem: expect.stringMatching(/no bot token/),
      last: { ok: false, detail: expect.stringMatching(/^not sent: no bot token/) },
    });
  });

  it('notify:test reaches a disabled channel and reports its result', async () => {
    const bot = await endpoint((_q, res) => {
      res.statusCode = 401;
      res.end('{"ok":false,"description":"Unauthorized"}');
    });
    fx = new SignalsFixture(
      { telegramToken: () => TOKEN },
      { notifications: { telegram: { enabled: false, chatId: '1', apiBaseUrl: bot.url } } },
    );
    const { channels } = await fx.signals.handlers['notify:test']({ channel: 'telegram' });
    expect(channels).toEqual([
      expect.objectContaining({
        channel: 'telegram',
        enabled: false,
        last: expect.objectContaining({ ok: false, detail: 'HTTP 401', attempts: 1 }),
      }),
    ]);
    expect((bot.hits[0]!.body as { text: string }).text).toMatch(/test message/);
  });
});

describe('missed summary goes out once on remote channels too', () => {
  it('one webhook POST for a whole backfill', async () => {
    const hook = await endpoint((_q, res) => res.end());
    // the rule armed a minute before the data stopped: what the backfill brings was missed
    fx = new SignalsFixture(
      {},
      { notifications: { webhook: { enabled: true, allowLocal: true, url: hook.url } } },
      T0 - MIN,
    );
    fx.signals.rules.create(
      ruleSchema.parse({
        name: 'x',
        exchange: 'binance',
        symbol: 'BTC/USDT',
        timeframe: '1m',
        when: { type: 'price-cross', direction: 'above', level: 100 },
      }),
    );
    fx.now = T0;
    fx.signals.onCandles({ key: BTC, closed: bars([99]), forming: null, origin: 'live' });
    fx.signals.onCandles({
      key: BTC,
      closed: bars([101, 99, 101, 99, 101], 1),
      forming: null,
      origin: 'backfill',
    });
    await vi.waitFor(() => expect(fx!.heardOf('alerts:missed-summary')).toHaveLength(1), { timeout: 10_000 });
    await fx.signals.dispatcher.idle();
    expect(hook.hits.map((h) => (h.body as { type: string }).type)).toEqual(['missed-summary']);
    const summary = (hook.hits[0]!.body as { summary: { count: number; alerts: Alert[] } }).summary;
    expect(summary.count).toBe(3);
  });
});
