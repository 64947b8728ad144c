import { z } from 'zod';

/** Credential names as ccxt spells them (`exchange.requiredCredentials`). */
export const secretFieldSchema = z.enum([
  'apiKey',
  'secret',
  'password',
  'uid',
  'login',
  'twofa',
  'privateKey',
  'walletAddress',
  'token',
]);
export type SecretField = z.output<typeof secretFieldSchema>;
