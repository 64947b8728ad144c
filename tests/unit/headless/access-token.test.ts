import { describe, expect, it } from 'vitest';
import { createAccessToken } from '../../../src/main/headless/access-token';

describe('access token', () => {
  it('is 32 random bytes in base64url, new on every start', () => {
    const a = createAccessToken();
    const b = createAccessToken();
    expect(a.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.value).not.toBe(b.value);
  });

  it('matches only itself', () => {
    const token = createAccessToken('secret-token');
    expect(token.matches('secret-token')).toBe(true);
    for (const wrong of ['secret-tokeN', 'secret-token ', '', 'secret', null, undefined]) {
      expect(token.matches(wrong)).toBe(false);
    }
  });

  it('has a page cookie that is not the token and does not open the socket', () => {
    const token = createAccessToken('secret-token');
    expect(token.pageCookieValue).not.toContain('secret-token');
    expect(token.matchesPageCookie(token.pageCookieValue)).toBe(true);
    expect(token.matchesPageCookie('secret-token')).toBe(false);
    expect(token.matches(token.pageCookieValue)).toBe(false);
    expect(createAccessToken('other').pageCookieValue).not.toBe(token.pageCookieValue);
  });
});
