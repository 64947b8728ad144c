/** Two candles: the mark in the top bar and, as public/favicon.svg, in the browser tab. */
export function AppLogo() {
  return (
    <svg className="app-logo" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <line x1="7" y1="3" x2="7" y2="21" className="app-logo-wick" />
      <rect x="4" y="7" width="6" height="9" rx="1" className="app-logo-up" />
      <line x1="17" y1="2" x2="17" y2="18" className="app-logo-wick" />
      <rect x="14" y="5" width="6" height="8" rx="1" className="app-logo-down" />
    </svg>
  );
}
