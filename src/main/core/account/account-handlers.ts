import type { accountMethods } from '../../../shared/contract/methods/account';
import type { Handler, Handlers } from '../contract/dispatch';
import type { AccountService } from './account-service';

type AccountHandlers = { [M in keyof typeof accountMethods]: Handler<M> };
export type StreamHandlers = Pick<Handlers, 'streams:list' | 'streams:errors' | 'streams:reconnect'>;

/** The account methods. None of them returns a credential; none of them can act on an account. */
export function createAccountHandlers(account: AccountService): AccountHandlers {
  return {
    'account:credentials-fields': ({ exchange }) => account.credentialFields(exchange),
    'account:test-connection': ({ exchange, credentials }) => account.testConnection(exchange, credentials),
    'account:sync-clock': ({ exchange, enabled }) => account.setClockSync(exchange, enabled),
    'account:snapshot': ({ exchange }) => ({ accounts: account.snapshots(exchange) }),
    'account:fills': (q) => account.fills(q),
  };
}

/** The streams panel's methods over the market streams and the private ones together. */
export function withPrivateStreams(market: StreamHandlers, account: AccountService): StreamHandlers {
  return {
    'streams:list': async (input) =>
      [...(await market['streams:list'](input)), ...account.streams()].sort((a, b) =>
        a.id.localeCompare(b.id),
      ),
    'streams:errors': (input) => account.streamErrors(input.id) ?? market['streams:errors'](input),
    'streams:reconnect': async (input) => {
      const own = account.reconnect(input.id);
      if (input.id !== undefined && own > 0) return { reconnected: own };
      const { reconnected } = await market['streams:reconnect'](input);
      return { reconnected: reconnected + own };
    },
  };
}
