import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { installContentSecurityPolicy, type WebRequestLike } from '../../../src/main/electron/csp';
import { SECURITY_HEADERS } from '../../../src/main/headless/security-headers';
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/content-security-policy';

const directives = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

type Listener = Parameters<WebRequestLike['onHeadersReceived']>[0];

function installed(exempt: (url: string) => boolean = () => false) {
  let listener: Listener | undefined;
  installContentSecurityPolicy({ onHeadersReceived: (l) => void (listener = l) }, exempt);
  return (url: string, responseHeaders?: Record<string, string[]>) => {
    let answer: unknown;
    listener!({ url, responseHeaders }, (response) => (answer = response));
    return answer as { responseHeaders?: Record<string, string[]> };
  };
}

describe('Content-Security-Policy', () => {
  it('allows no inline or evaluated script, no plugins, no <base>, no form posts, no framing', () => {
    const policy = directives(CONTENT_SECURITY_POLICY);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    for (const sources of policy.values()) {
      for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', 'blob:'])
        expect(sources).not.toContain(bad);
    }
  });

  it('is the policy of the headless page and of the meta tag in src/renderer/index.html', () => {
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CONTENT_SECURITY_POLICY);
    const html = readFileSync('src/renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    // Browsers ignore frame-ancestors in a meta tag, so the page leaves it out.
    const expected = directives(CONTENT_SECURITY_POLICY);
    expected.delete('frame-ancestors');
    expect(directives(meta!)).toEqual(expected);
  });

  it('is added to HTTP responses, keeping their other headers', () => {
    const answer = installed()('https://example.com/', { 'Content-Type': ['text/html'] });
    expect(answer.responseHeaders).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
  });

  it('leaves exempt responses (the dev server) untouched', () => {
    const answer = installed((url) => url.startsWith('http://localhost:5173/'))(
      'http://localhost:5173/index.html',
      {
        'Content-Type': ['text/html'],
      },
    );
    expect(answer).toEqual({});
  });
});
