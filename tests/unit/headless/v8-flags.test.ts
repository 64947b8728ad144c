import { describe, expect, it } from 'vitest';
import {
  HEADLESS_ENV,
  HEADLESS_V8_FLAGS,
  missingEnv,
  missingV8Flags,
} from '../../../src/main/headless/v8-flags';

describe('missingV8Flags', () => {
  it('asks for every product flag when node was started without any', () => {
    expect(missingV8Flags([], undefined)).toEqual([...HEADLESS_V8_FLAGS]);
    expect(missingV8Flags(['--enable-source-maps'], '')).toEqual([...HEADLESS_V8_FLAGS]);
  });

  it('keeps a flag the user set on the command line or in NODE_OPTIONS, whatever its value', () => {
    const wanted = ['--max-semi-space-size=16', '--max-old-space-size=2048'];
    expect(missingV8Flags(['--max-semi-space-size=4'], undefined, wanted)).toEqual([
      '--max-old-space-size=2048',
    ]);
    expect(missingV8Flags([], '--require x.cjs  --max_old_space_size=900', wanted)).toEqual([
      '--max-semi-space-size=16',
    ]);
  });

  it('asks for nothing once the process runs with the flags (no second re-exec)', () => {
    expect(missingV8Flags([...HEADLESS_V8_FLAGS], undefined)).toEqual([]);
  });
});

describe('missingEnv', () => {
  it('adds each malloc setting unless the user set that variable, with any value', () => {
    expect(missingEnv({ PATH: '/bin' })).toEqual({ ...HEADLESS_ENV });
    const { MALLOC_ARENA_MAX: _theirs, ...ours } = HEADLESS_ENV;
    expect(missingEnv({ MALLOC_ARENA_MAX: '8' })).toEqual(ours);
    expect(Object.keys(ours)).not.toHaveLength(0);
    expect(missingEnv({ MALLOC_ARENA_MAX: '8', MALLOC_MMAP_THRESHOLD_: '0' })).toEqual({});
  });
});
