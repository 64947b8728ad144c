/**
 * Counter-based randomness: every value is a pure function of (key, channel, index), so any second of
 * any symbol can be computed directly, without walking the series from its start. Integer mixing with
 * Math.imul (murmur3's finalizer) is ~10× faster than a seeded generator object per call.
 */

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A well-mixed unsigned 32-bit hash of three integers (each taken modulo 2^32). */
export function hash3(key: number, channel: number, index: number): number {
  const a = fmix((key ^ Math.imul(channel + 1, 0x9e3779b9)) >>> 0);
  return fmix((a ^ Math.imul(index >>> 0, 0x632be5ab)) + Math.imul(a, 5));
}

/** Uniform in [0, 1). */
export function unit(key: number, channel: number, index: number): number {
  return hash3(key, channel, index) / 4294967296;
}

/** FNV-1a of a string, for keying a symbol's series by its name. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
