/**
 * Preloaded into a bench contender with `--import` (through NODE_OPTIONS, so it also survives the
 * headless process re-executing itself with its V8 flags): measures the event loop's delay from
 * inside without touching the product. Each SIGUSR2 writes the p99 and the longest delay since the
 * previous one (ms), and the JS heap's used and committed size (MB), to $LOOP_PROBE_FILE and starts
 * again. (SIGUSR1 is node's own: it opens the inspector.)
 * With $LOOP_PROBE_PROFILE set, the V8 CPU profiler runs from one SIGUSR2 to the next and the profile
 * (open it in Chrome's DevTools or speedscope for a flame graph) is written there: the measuring
 * window alone, without the start-up.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env['LOOP_PROBE_FILE'];
const profileFile = process.env['LOOP_PROBE_PROFILE'];
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let session: Session | null = null;
  process.on('SIGUSR2', () => {
    const { heapUsed, heapTotal } = process.memoryUsage();
    writeFileSync(
      file,
      JSON.stringify({
        p99Ms: histogram.percentile(99) / 1e6,
        maxMs: histogram.max / 1e6,
        // V8's heap, live objects and committed: what of the RSS is the JS heap, and how much slack
        heapUsedMb: heapUsed / 2 ** 20,
        heapTotalMb: heapTotal / 2 ** 20,
        at: Date.now(),
      }),
    );
    histogram.reset();
    if (!profileFile) return;
    if (session === null) {
      const started = new Session();
      session = started;
      started.connect();
      void started.post('Profiler.enable').then(() => started.post('Profiler.start'));
    } else {
      const running = session;
      session = null;
      void running.post('Profiler.stop').then(({ profile }) => {
        writeFileSync(profileFile, JSON.stringify(profile));
        running.disconnect();
      });
    }
  });
}
