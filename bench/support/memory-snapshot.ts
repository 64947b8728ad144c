/** Where a process's memory is, in MB: what RSS is made of, and V8's heap space by space. */
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export type MemorySnapshot = {
  rss: number;
  /** Linux: anonymous RSS (heap, malloc) and file-backed RSS (the node binary, mapped code) */
  rssAnon?: number;
  rssFile?: number;
  heapUsed: number;
  heapCommitted: number;
  external: number;
  arrayBuffers: number;
  /** committed (space_size) MB of each V8 space that holds anything */
  spaces: Record<string, number>;
  /** used MB of the same spaces */
  spacesUsed: Record<string, number>;
  /** resident (physical_space_size) MB of the same spaces: committed pages need not be touched */
  spacesResident: Record<string, number>;
};

const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;

export function memorySnapshot(): MemorySnapshot {
  const m = process.memoryUsage();
  const spaces: Record<string, number> = {};
  const spacesUsed: Record<string, number> = {};
  const spacesResident: Record<string, number> = {};
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_size === 0) continue;
    const name = s.space_name.replace(/_space$/, '');
    spaces[name] = mb(s.space_size);
    spacesUsed[name] = mb(s.space_used_size);
    spacesResident[name] = mb(s.physical_space_size);
  }
  return {
    rss: mb(m.rss),
    ...linuxRss(),
    heapUsed: mb(m.heapUsed),
    heapCommitted: mb(m.heapTotal),
    external: mb(m.external),
    arrayBuffers: mb(m.arrayBuffers),
    spaces,
    spacesUsed,
    spacesResident,
  };
}

/** RssAnon / RssFile of /proc/self/status, where there is one. */
function linuxRss(): { rssAnon?: number; rssFile?: number } {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return {};
  }
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssAnon: mb(kb('RssAnon') * 1024), rssFile: mb(kb('RssFile') * 1024) };
}
