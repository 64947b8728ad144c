import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';

type ResponseHeaders = Record<string, string | string[]>;

/** The part of Electron's session.webRequest this module uses. */
export type WebRequestLike = {
  onHeadersReceived(
    listener: (
      details: { url: string; responseHeaders?: ResponseHeaders },
      callback: (response: { responseHeaders?: ResponseHeaders }) => void,
    ) => void,
  ): void;
};

/**
 * Adds the policy to every HTTP(S) response of the window's session. `exempt` names responses left
 * to the page's own meta-tag policy: the Vite dev server's, in development, where Vite injects an
 * inline React-refresh preamble into the page. Custom-scheme responses never reach webRequest;
 * app-protocol.ts sets the header on those itself.
 */
export function installContentSecurityPolicy(
  webRequest: WebRequestLike,
  exempt: (url: string) => boolean,
): void {
  webRequest.onHeadersReceived((details, callback) => {
    if (exempt(details.url)) {
      callback({});
      return;
    }
    // Electronegativity evaluates a policy only when it is an inline string literal and would report
    // this constant as invalid; its evaluator's one remark on the policy itself ('self' may host JSONP
    // or uploaded files) does not hold for app://, which serves only the read-only built bundle.
    // tests/unit/electron/csp.test.ts checks the directives instead.
    callback({
      responseHeaders: /* eng-disable CSP_GLOBAL_CHECK */ {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
}
