import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFile, openDatabase, PAGE_CACHE_KIB } from '../../../src/main/core/store/database';
import { BTC_1M, makeCandles, MINUTE, openTestStore, T0, type TestStore } from './store-fixtures';

let store: TestStore | undefined;
afterEach(() => {
  store?.db.close();
  store?.dir.cleanup();
  store = undefined;
});

/** Writes and reads back enough candles to cover far more pages than the page cache holds. */
function writeAndReadBack(s: TestStore, count: number): void {
  const id = s.db.transaction(() => s.series.ensure(BTC_1M))();
  s.db.transaction(() => s.candles.insertClosed(id, makeCandles(T0, count), () => {}))();
  s.db.pragma('wal_checkpoint(TRUNCATE)'); // the rows now live in the file, where a map would serve them
  expect(s.candles.before(BTC_1M, T0 + count * MINUTE, count)).toHaveLength(count);
}

// The app's memory must not grow with the history it reads (store/database.ts): pages come through a
// bounded page cache, never a map of the file that keeps every page read in the process's RSS.
describe('openDatabase memory', () => {
  it('keeps a bounded page cache and no memory map, for the writer and for readers', () => {
    store = openTestStore();
    expect(store.db.pragma('mmap_size', { simple: true })).toBe(0);
    expect(store.db.pragma('cache_size', { simple: true })).toBe(PAGE_CACHE_KIB);
    const reader = openDatabase(store.dir.path, { readonly: true });
    try {
      expect(reader.pragma('mmap_size', { simple: true })).toBe(0);
      expect(reader.pragma('cache_size', { simple: true })).toBe(PAGE_CACHE_KIB);
    } finally {
      reader.close();
    }
  });

  it.runIf(process.platform === 'linux')('maps no page of the file after a large write and read', () => {
    store = openTestStore();
    // 200,000 rows of ~64 bytes: ~12 MB of pages, three times the cache
    writeAndReadBack(store, 200_000);
    // Each line of /proc/self/maps ends with the mapped file's path; WAL's index (`-shm`) is always
    // mapped and small, the database itself must not be.
    const file = databaseFile(store.dir.path);
    const mapped = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .filter((line) => line.endsWith(` ${file}`));
    expect(mapped).toEqual([]);
  });
});
