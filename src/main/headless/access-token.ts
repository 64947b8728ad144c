import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secret that proves a browser was given the URL headless mode printed. The socket accepts only
 * the token itself; the page also accepts a cookie derived from it, so a reload works after the page
 * removed the token from its address bar. Cookies are not isolated by port, so the cookie must not be
 * the token: a cookie that leaks to another server on the same host opens no socket.
 */
export type AccessToken = {
  /** Goes into the printed URL only; never into a log. */
  readonly value: string;
  readonly pageCookieValue: string;
  matches(candidate: string | null | undefined): boolean;
  matchesPageCookie(candidate: string | null | undefined): boolean;
  /**
   * The page cookie of a browser tab opened with a paired client's token: the client's id and an
   * HMAC of it under this start's token, so it names a pairing (checked to still exist) without
   * being its token.
   */
  pairedPageCookie(clientId: string): string;
  /** The paired client's id a page cookie made by pairedPageCookie names, or undefined. */
  pairedIdOfPageCookie(candidate: string | null | undefined): string | undefined;
};

export function createAccessToken(value = randomBytes(32).toString('base64url')): AccessToken {
  const pageCookieValue = createHmac('sha256', value).update('candlewatch page cookie').digest('base64url');
  const pairedPageCookie = (clientId: string) =>
    `${clientId}.${createHmac('sha256', value).update(`candlewatch paired page ${clientId}`).digest('base64url')}`;
  return {
    value,
    pageCookieValue,
    matches: (candidate) => constantTimeEquals(candidate, value),
    matchesPageCookie: (candidate) => constantTimeEquals(candidate, pageCookieValue),
    pairedPageCookie,
    pairedIdOfPageCookie(candidate) {
      const id = candidate?.split('.')[0];
      return id && constantTimeEquals(candidate, pairedPageCookie(id)) ? id : undefined;
    },
  };
}

/** Hashing first gives timingSafeEqual two buffers of equal length whatever the candidate's length. */
function constantTimeEquals(candidate: string | null | undefined, expected: string): boolean {
  if (typeof candidate !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(candidate), digest(expected));
}
