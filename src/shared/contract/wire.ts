import { z } from 'zod';

/** Frames of the WebSocket binding (headless mode). Kept tiny: the contract itself is in index.ts. */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Close code of a client the server dropped because it stopped reading: more replies and events
 * waited for it than the server keeps per client. It reconnects to a fresh state.
 */
export const CLOSE_NOT_READING = 4008;

export const callFrameSchema = z
  .object({
    t: z.literal('call'),
    id: z.number().int().nonnegative(),
    method: z.string().max(100),
    input: z.unknown(),
  })
  .strict();

export type CallFrame = z.output<typeof callFrameSchema>;

export type ResultFrame = {
  t: 'result';
  id: number;
  result: { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
};

export type EventFrame = { t: 'event'; event: string; payload: unknown };

export type ServerFrame = ResultFrame | EventFrame;

/**
 * Close code of a connection whose pairing token was revoked while it was open. The client must not
 * reconnect with that token: it tells its user the pairing is gone.
 */
export const CLOSE_REVOKED = 4403;

/**
 * Close codes a client gives itself for a connection that must not be retried as is. The server
 * never sends them: 4401 is a handshake the server refused with 401 (a wrong or revoked token),
 * 4495 a certificate whose fingerprint is not the one pinned at pairing (nothing was sent to it).
 */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_CERTIFICATE_CHANGED = 4495;

/** Closes after which a client stops reconnecting and shows the reason to its user. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CLOSE_REVOKED,
  CLOSE_UNAUTHORIZED,
  CLOSE_CERTIFICATE_CHANGED,
]);
