/**
 * The fake's notion of now (epoch ms). Every server-side time (candle boundaries, stall windows,
 * event times, REST "now") reads it, so a test can put a UTC day boundary seconds away (e.g. `() => Date.now() + offset`) and watch a
 * 1d candle close at real speed. The client (ccxt) keeps the real clock: it only passes the
 * server's timestamps through.
 */
export type Now = () => number;

export const realNow: Now = () => Date.now();
