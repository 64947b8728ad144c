/** The chart draws on canvas, so it cannot use CSS variables directly: they are read once per theme. */
export type ChartColors = {
  background: string;
  text: string;
  grid: string;
  border: string;
  up: string;
  down: string;
  upVolume: string;
  downVolume: string;
  accent: string;
  warn: string;
  /** indicator lines, in the order they are added */
  lines: readonly string[];
};

/** Indicator line colours of each theme, slot by slot. */
export const LINE_COLORS = {
  dark: ['#f2b84b', '#b48cff', '#4fc3f7', '#f78fb3', '#9ccc65', '#ff8a65'],
  light: ['#b36b00', '#6a3fc8', '#0277bd', '#ad1457', '#2e7d32', '#d84315'],
};

/** Colour slots of an indicator line: each theme has its own shade of the same six hues. */
export const PALETTE_SLOTS = LINE_COLORS.dark.length;

/** An indicator's colour on screen: its palette slot in this theme, or the colour the user picked. */
export function lineColor(colors: ChartColors, color: number | string): string {
  return typeof color === 'number' ? colors.lines[color % colors.lines.length]! : color;
}

function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!m) return hex;
  return `rgba(${parseInt(m[1]!, 16)}, ${parseInt(m[2]!, 16)}, ${parseInt(m[3]!, 16)}, ${alpha})`;
}

export function readChartColors(root: HTMLElement = document.documentElement): ChartColors {
  const css = getComputedStyle(root);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const dark = root.dataset.theme === 'dark';
  const up = v('--up', '#0a7468');
  const down = v('--down', '#c0262d');
  return {
    background: v('--bg', dark ? '#0e1116' : '#f3f5f8'),
    text: v('--text-muted', '#505b6b'),
    grid: withAlpha(v('--border', '#d3d9e1'), dark ? 0.45 : 0.6),
    border: v('--border', '#d3d9e1'),
    up,
    down,
    upVolume: withAlpha(up, dark ? 0.35 : 0.3),
    downVolume: withAlpha(down, dark ? 0.35 : 0.3),
    accent: v('--accent', '#1c5bd0'),
    warn: v('--warn', '#8a5a00'),
    lines: dark ? LINE_COLORS.dark : LINE_COLORS.light,
  };
}
