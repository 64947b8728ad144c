import { z } from 'zod';
import { alertSchema } from '../../domain/alert';
import { event, method } from '../define';

export const remoteStatusSchema = z.object({
  /** 'local': this app's own core and database; 'server': a paired Candlewatch server */
  mode: z.enum(['local', 'server']),
  /** the paired server (kept while switched back to local, so switching again is one click) */
  server: z.object({ address: z.string(), fingerprint: z.string(), clientName: z.string() }).nullable(),
  link: z.enum(['connecting', 'open', 'closed']),
  /** why the link to the server stopped (revoked, refused, certificate changed), in words */
  problem: z.string().nullable(),
});
export type RemoteStatus = z.output<typeof remoteStatusSchema>;

const address = z.string().trim().min(1, 'the server address is needed (host:port)').max(300);

/**
 * The desktop app attached to a server (docs/remote.md). Only the Electron shell answers these: a
 * core (headless or local) answers `unavailable`.
 */
export const remoteMethods = {
  'remote:status': method(
    z.object({}).strict(),
    remoteStatusSchema,
    'Local core or paired server, and the link to it.',
  ),
  'remote:probe': method(
    z.object({ address }).strict(),
    z.object({ address: z.string(), fingerprint: z.string() }),
    "Connects to a server over TLS and returns its certificate's SHA-256 fingerprint, for the user to compare with the one the server printed. Sends nothing.",
  ),
  'remote:attach': method(
    z
      .object({
        address,
        token: z.string().trim().min(1, 'the pairing token is needed').max(200),
        /** the fingerprint the user confirmed: pinned from now on */
        fingerprint: z.string().min(1).max(200),
        clientName: z.string().trim().max(64).default(''),
      })
      .strict(),
    remoteStatusSchema,
    'Pairs with a server (its certificate pinned to the confirmed fingerprint, the token kept encrypted) and switches to it. The local database is left as it is.',
  ),
  'remote:use': method(
    z.object({ mode: z.enum(['local', 'server']) }).strict(),
    remoteStatusSchema,
    'Switches between the local core and the paired server; the window reloads.',
  ),
  'remote:forget': method(
    z.object({}).strict(),
    remoteStatusSchema,
    'Forgets the paired server (its token and pinned fingerprint) and goes back to the local core.',
  ),
};

export const remoteEvents = {
  'remote:status-changed': event(remoteStatusSchema, 'The link to the paired server changed.'),
  'remote:alerts-delivered': event(
    z.object({
      /** oldest first */
      alerts: z.array(alertSchema),
      /** more than were fetched: the rest are in the server's history */
      truncated: z.boolean(),
      /** the newest alert this app had seen before the link dropped (epoch ms) */
      since: z.number(),
    }),
    'Alerts the server fired live while this app was disconnected, told once on reconnect: delivered on time by the server, not missed.',
  ),
};
