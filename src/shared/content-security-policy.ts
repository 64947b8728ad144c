/**
 * The one Content-Security-Policy of the renderer, whichever shell serves it: the Electron window
 * sends it as a header (main/electron/csp.ts, app-protocol.ts), the headless server with every
 * response (main/headless/security-headers.ts), and src/renderer/index.html carries it in a meta tag
 * (minus frame-ancestors, which browsers ignore there), so the page behaves the same in both modes.
 * No inline or evaluated script, no plugins, no <base>, no form posts, no framing. 'self' in
 * connect-src also covers ws:// to the same host and port (CSP Level 3), the headless contract socket.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
