import { memo } from 'react';

const W = 64;
const H = 20;

/** Recent closes as a line; its colour says whether the last is above the first. */
export const Sparkline = memo(function Sparkline({ values }: { values: readonly number[] }) {
  if (values.length < 2) return <svg className="sparkline" width={W} height={H} aria-hidden="true" />;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const step = W / (values.length - 1);
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(H - 2 - ((v - min) / span) * (H - 4)).toFixed(1)}`)
    .join(' ');
  const rising = values[values.length - 1]! >= values[0]!;
  return (
    <svg
      className={`sparkline ${rising ? 'up' : 'down'}`}
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      aria-hidden="true"
    >
      <polyline points={points} fill="none" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
});
