import { z } from 'zod';
import { pairedClientSchema } from '../../domain/pairing';
import { method } from '../define';

export const serverAccessSchema = z.object({
  /** false for the desktop app alone: nothing else can reach its core */
  serving: z.boolean(),
  /** SHA-256 of the certificate the server presents; null over plain HTTP */
  fingerprint: z.string().nullable(),
  clients: z.array(pairedClientSchema),
});
export type ServerAccess = z.output<typeof serverAccessSchema>;

export const pairingMethods = {
  'pairing:list': method(
    z.object({}).strict(),
    serverAccessSchema,
    'The server certificate fingerprint and the paired clients (names, never tokens). New pairings are made on the server (`npm run serve -- --pair NAME`).',
  ),
  'pairing:revoke': method(
    z.object({ id: z.string().min(1).max(64) }).strict(),
    z.object({ revoked: z.literal(true), closedConnections: z.number().int() }),
    "Revoke a paired client's token: refused from now on, and its open connections are closed.",
  ),
};
