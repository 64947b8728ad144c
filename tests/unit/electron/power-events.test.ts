import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { forwardPowerEvents } from '../../../src/main/electron/power-events';

describe('power events', () => {
  it('tells core how long the machine slept', () => {
    const monitor = new EventEmitter();
    const core = { resumed: vi.fn() };
    let clock = 1_000;
    forwardPowerEvents(monitor, core, () => clock);
    monitor.emit('suspend');
    clock += 3_600_000;
    monitor.emit('resume');
    expect(core.resumed).toHaveBeenCalledWith(3_600_000);
  });

  it('reports 0 for a resume without a suspend, and never a negative time', () => {
    const monitor = new EventEmitter();
    const core = { resumed: vi.fn() };
    let clock = 5_000;
    forwardPowerEvents(monitor, core, () => clock);
    monitor.emit('resume');
    monitor.emit('suspend');
    clock -= 1_000; // the wall clock was set back during sleep
    monitor.emit('resume');
    expect(core.resumed.mock.calls).toEqual([[0], [0]]);
  });
});
