import { z } from 'zod';

/** A client paired with a headless server: a name its user chose, never the token itself. */
export const pairedClientSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  /** the last time its token opened a connection (epoch ms); null until it first connects */
  lastUsedAt: z.number().nullable(),
  /** open connections with its token right now */
  connections: z.number().int().nonnegative(),
});
export type PairedClient = z.output<typeof pairedClientSchema>;

/** What a client name may be: the person pairing reads it in a list, and the CLI takes it as an argument. */
export const pairingNameSchema = z
  .string()
  .trim()
  .min(1, 'a client name is needed (e.g. "laptop")')
  .max(64, 'a client name has at most 64 characters')
  .regex(/^[\p{L}\p{N} ._'’()-]+$/u, "a client name has letters, digits, spaces and . _ ' ( ) - only");

/**
 * SHA-256 certificate fingerprints as Node prints them (`AB:CD:…`, 32 bytes). People copy them with
 * or without colons, in either case: compare the normalised form only.
 */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  return hex.match(/.{2}/g)!.join(':');
}
