/**
 * The fake Binance exchange in a process of its own, driven over the IPC channel by bench/engine.ts,
 * so the engine's process measures only the engine (CPU, RSS, event loop).
 *
 * parent → child: { type: 'klines', on: boolean } | { type: 'stats' } | { type: 'close' }
 * child → parent: { type: 'ready', config } | { type: 'klines', sent: [stream, sentAt][] } | { type: 'stats', stats }
 */
import { startFakeExchange, type FakeExchangeOptions } from '../../tests/support/fake-exchange';

type Command = { type: 'klines'; on: boolean } | { type: 'stats' } | { type: 'close' };

const send = (message: unknown) => process.send?.(message);
const options = JSON.parse(process.env['FAKE_EXCHANGE_OPTIONS'] ?? '{}') as FakeExchangeOptions;
const fake = await startFakeExchange(options);
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
    stopListening = command.on
      ? fake.onKlineSent((stream, _eventTime, sentAt) => sent.push([stream, sentAt]))
      : null;
  } else if (command.type === 'stats') {
    send({ type: 'stats', stats: { ...fake.wsStats(), restCalls: fake.restLog().length } });
  } else if (command.type === 'close') {
    clearInterval(flush);
    void fake.close().then(() => process.exit(0));
  }
});

send({ type: 'ready', config: fake.ccxtJsonConfig() });
