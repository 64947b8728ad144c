import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { acquireSingleInstance } from '../../../src/main/electron/single-instance';

class FakeApp extends EventEmitter {
  constructor(private readonly gotLock: boolean) {
    super();
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
}

describe('single instance', () => {
  it('the first instance keeps the lock and shows its window when launched again', () => {
    const app = new FakeApp(true);
    const reveal = vi.fn();
    expect(acquireSingleInstance(app, reveal)).toBe(true);
    app.emit('second-instance');
    expect(reveal).toHaveBeenCalledTimes(1);
  });

  it('a second instance is told to quit and listens for nothing', () => {
    const app = new FakeApp(false);
    const reveal = vi.fn();
    expect(acquireSingleInstance(app, reveal)).toBe(false);
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});
