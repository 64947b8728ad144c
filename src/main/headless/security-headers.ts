import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';

/** Sent with every HTTP response, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Token-gated responses must not be kept by any cache.
  'Cache-Control': 'no-store',
};
