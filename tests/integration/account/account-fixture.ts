import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type Core, type CoreOptions } from '../../../src/main/core/app';
import { createLogger, type LogRecord } from '../../../src/main/core/base/log';
import type { NativeNotification } from '../../../src/main/core/notify/ports';
import { createHeadlessSecretBox } from '../../../src/main/core/secrets/headless-secret-box';
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../src/shared/contract';
import { startFakeExchange, type FakeExchange } from '../../support/fake-exchange';
import type { FakeVenue } from '../../support/fake-exchange/fake-venue';

export type AccountCore<F extends FakeVenue = FakeExchange> = {
  fake: F;
  core: Core;
  dataDir: string;
  logs: LogRecord[];
  notifications: NativeNotification[];
  events: Array<{ name: EventName; payload: unknown }>;
  /** every answer of `call` and `attempt`, as sent over a transport */
  answers: string[];
  /** a contract call that must succeed */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** a contract call that may fail, as data */
  attempt(
    method: MethodName,
    input: unknown,
  ): Promise<{ ok: boolean; error?: { code: string; message: string } }>;
  eventsOf<E extends EventName>(name: E): EventPayload<E>[];
  close(): Promise<void>;
};

/**
 * The whole core (createCore) in headless mode with the real ccxt pointed at the fake exchange for
 * binance: every log record, event, answer and native notification is kept for the test to inspect.
 */
export async function startAccountCore(seed: number): Promise<AccountCore> {
  const fake = await startFakeExchange({ seed, symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] });
  return startCoreWith(fake, fake.ccxtJsonConfig());
}

/**
 * The same for any fake exchange: `ccxt` is the exchange's settings' ccxt object (JSON, as a config
 * file gives it), e.g. a fake's derivatives config.
 */
export async function startCoreWith<F extends FakeVenue>(
  fake: F,
  ccxt: Record<string, unknown>,
  accountTiming?: CoreOptions['accountTiming'],
): Promise<AccountCore<F>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cw-account-'));
  const logs: LogRecord[] = [];
  const notifications: NativeNotification[] = [];
  const events: AccountCore<F>['events'] = [];
  const answers: string[] = [];
  const core = createCore({
    dataDir,
    mode: 'headless',
    version: '0.0.0-test',
    log: createLogger((r) => logs.push(r), { level: 'debug' }),
    notifier: { show: (n) => void notifications.push(n) },
    secretBox: createHeadlessSecretBox({ dataDir, env: {} }),
    accountTiming,
  });
  core.events.subscribe((name, payload) => events.push({ name, payload }));
  const attempt: AccountCore<F>['attempt'] = async (method, input) => {
    const r = await core.dispatch(method, input);
    answers.push(JSON.stringify(r));
    return r.ok ? { ok: true } : { ok: false, error: r.error };
  };
  const call = async <M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> => {
    const r = await core.dispatch(method, input);
    answers.push(JSON.stringify(r));
    if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
    return r.value as MethodOutput<M>;
  };
  // The JSON config (no http agent object): the account's client must load the agent for ws:// itself.
  await call('settings:update', {
    exchanges: { [fake.exchange]: { enabled: true, sandbox: false, ccxt } },
  });
  let closed = false;
  return {
    fake,
    core,
    dataDir,
    logs,
    notifications,
    events,
    answers,
    call,
    attempt,
    eventsOf: <E extends EventName>(name: E) =>
      events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>),
    async close() {
      if (closed) return;
      closed = true;
      await core.stop();
      await fake.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Requests that could place, change or cancel an order, or move funds, that reached the fake exchange. */
export function actingRequests(fake: FakeExchange): string[] {
  return fake
    .restLog()
    .filter((e) => e.method !== 'GET' && !/userDataStream|listenKey/.test(e.path))
    .map((e) => `${e.method} ${e.path}`);
}
