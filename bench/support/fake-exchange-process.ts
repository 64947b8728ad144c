/**
 * A fake exchange in a process of its own, driven over the IPC channel by bench/engine.ts, so the
 * engine's process measures only the engine (CPU, RSS, event loop). FAKE_EXCHANGE_PROTOCOL picks
 * the fake: 'binance' (default), 'okx' or 'bybit'; FAKE_EXCHANGE_OPTIONS are its options.
 *
 * parent → child: { type: 'klines', on: boolean } | { type: 'stats' } | { type: 'close' }
 * child → parent: { type: 'ready', config } | { type: 'klines', sent: [stream, sentAt][] } | { type: 'stats', stats }
 * (stream: Binance's stream name, engine-client.ts streamName, whatever the protocol)
 */
import { startFakeExchange, type FakeExchangeOptions } from '../../tests/support/fake-exchange';
import { startFakeBybit } from '../../tests/support/fake-exchange/protocols/bybit';
import { startFakeOkx } from '../../tests/support/fake-exchange/protocols/okx';
import { streamName } from './engine-client';

type Command = { type: 'klines'; on: boolean } | { type: 'stats' } | { type: 'close' };
type SentListener = (stream: string, sentAt: number) => void;
/** what the bench needs of a fake, whatever its protocol */
type BenchFake = {
  onCandleSent(listener: SentListener): () => void;
  stats(): Record<string, unknown>;
  ccxtJsonConfig(): Record<string, unknown>;
  close(): Promise<void>;
};

async function startFake(protocol: string, options: FakeExchangeOptions): Promise<BenchFake> {
  if (protocol === 'binance') {
    const fake = await startFakeExchange(options);
    // The first 24-hour ticker of a symbol computes two whole UTC days of its seconds (price-series.ts
    // caches a day at a time): at 1,000 symbols the fake's first tick with their ticker streams held
    // its event loop 13 s, silencing every socket while the first contender started (its REST
    // timed out, and on a loaded machine its streams went stale). One all-symbols ticker read pays
    // that before the contenders start, so each meets the same warm exchange.
    const warm = await fetch(`${fake.restUrl}/api/v3/ticker/24hr`);
    if (!warm.ok) throw new Error(`warming the fake's tickers failed: HTTP ${warm.status}`);
    await warm.arrayBuffer();
    return {
      onCandleSent: (listener) => fake.onKlineSent((stream, _eventTime, sentAt) => listener(stream, sentAt)),
      stats: () => ({ ...fake.wsStats(), restCalls: fake.restLog().length }),
      ccxtJsonConfig: () => fake.ccxtJsonConfig(),
      close: () => fake.close(),
    };
  }
  const start = { okx: startFakeOkx, bybit: startFakeBybit }[protocol];
  if (!start) throw new Error(`no bench fake for "${protocol}" (binance, okx, bybit)`);
  const fake = await start(options);
  return {
    onCandleSent: (listener) =>
      fake.onCandleSent((symbol, timeframe, sentAt) => listener(streamName(symbol, timeframe), sentAt)),
    stats: () => ({ ...fake.wsStats(), restCalls: fake.restLog().length }),
    ccxtJsonConfig: () => fake.ccxtJsonConfig(),
    close: () => fake.close(),
  };
}

const send = (message: unknown) => process.send?.(message);
const options = JSON.parse(process.env['FAKE_EXCHANGE_OPTIONS'] ?? '{}') as FakeExchangeOptions;
const fake = await startFake(process.env['FAKE_EXCHANGE_PROTOCOL'] ?? 'binance', options);
let sent: Array<[string, number]> = [];
let stopListening: (() => void) | null = null;
const flush = setInterval(() => {
  if (sent.length === 0) return;
  send({ type: 'klines', sent });
  sent = [];
}, 50);

process.on('message', (raw) => {
  const command = raw as Command;
  if (command.type === 'klines') {
    stopListening?.();
    stopListening = command.on ? fake.onCandleSent((stream, sentAt) => sent.push([stream, sentAt])) : null;
  } else if (command.type === 'stats') {
    send({ type: 'stats', stats: fake.stats() });
  } else if (command.type === 'close') {
    clearInterval(flush);
    void fake.close().then(() => process.exit(0));
  }
});

send({ type: 'ready', config: fake.ccxtJsonConfig() });
