/** Numbers as a trader reads them: 2 decimals on big prices, 6 significant digits on small ones. */
export const formatValue = (x: number): string =>
  String(Math.abs(x) >= 1_000 ? Number(x.toFixed(2)) : Number(x.toPrecision(6)));
