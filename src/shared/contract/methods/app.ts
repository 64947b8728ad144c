import { z } from 'zod';
import { event, method } from '../define';

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'headless']),
  platform: z.string(),
  dataDir: z.string(),
  startedAt: z.number(),
});
export type AppInfo = z.output<typeof appInfoSchema>;

export const appMethods = {
  'app:info': method(
    z.object({}).strict(),
    appInfoSchema,
    'Name, version, mode and data folder of the running core.',
  ),
  'app:ping': method(
    z.object({ nonce: z.string().max(64) }).strict(),
    z.object({ nonce: z.string(), serverTime: z.number() }),
    'Round trip check: echoes the nonce with the core clock.',
  ),
};

export const appEvents = {
  'app:resumed': event(
    z.object({ sleptMs: z.number(), at: z.number() }),
    'The machine woke from sleep (or the clock jumped); streams reconnect and backfill.',
  ),
};
