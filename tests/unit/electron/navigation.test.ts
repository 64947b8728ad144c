import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/main/core/base/log';
import {
  hardenWebContents,
  refusePermissionCheck,
  refusePermissionRequest,
} from '../../../src/main/electron/navigation';
import { FakeEvent, FakeWebContents, recordingLogger } from './fakes';

function hardened(trustedOrigins = new Set(['app://candlewatch'])) {
  const contents = new FakeWebContents();
  const shell = { openExternal: vi.fn(async (_url: string) => {}) };
  hardenWebContents(contents, { trustedOrigins, shell, log: silentLogger() });
  const play = (name: string, url?: string) => {
    const event = new FakeEvent();
    contents.emit(name, event, url);
    return event;
  };
  return { contents, shell, play };
}

describe('navigation, new windows and webviews', () => {
  it.each([
    'app://candlewatch/index.html',
    'app://candlewatch/other.html',
    'https://evil.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
  ])('prevents every navigation of the page (%s)', (url) => {
    const { play } = hardened();
    expect(play('will-navigate', url).defaultPrevented).toBe(true);
  });

  it('sends an http(s) link to the system browser and keeps other schemes away from it', () => {
    const { play, shell } = hardened();
    play('will-navigate', 'https://www.binance.com/en/trade/BTC_USDT');
    play('will-navigate', 'file:///etc/passwd');
    play('will-navigate', 'smb://attacker/share');
    expect(shell.openExternal.mock.calls).toEqual([['https://www.binance.com/en/trade/BTC_USDT']]);
  });

  it('denies every window.open and opens only http(s) targets externally', () => {
    const { contents, shell } = hardened();
    expect(contents.openHandler?.({ url: 'https://docs.ccxt.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'app://candlewatch/index.html' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'ms-msdt:/id PCWDiagnostic' })).toEqual({ action: 'deny' });
    expect(shell.openExternal.mock.calls).toEqual([['https://docs.ccxt.com/']]);
  });

  it('blocks redirects off our origins and lets our own through', () => {
    const { play } = hardened(new Set(['app://candlewatch', 'http://localhost:5173']));
    expect(play('will-redirect', 'https://evil.example/').defaultPrevented).toBe(true);
    expect(play('will-redirect', 'not a url').defaultPrevented).toBe(true);
    expect(play('will-redirect', 'http://localhost:5173/index.html').defaultPrevented).toBe(false);
  });

  it('never attaches a <webview>', () => {
    const { play } = hardened();
    expect(play('will-attach-webview').defaultPrevented).toBe(true);
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])(
    'refuses a %s request and logs which permission was asked',
    (permission) => {
      const { log, records } = recordingLogger();
      const callback = vi.fn();
      refusePermissionRequest(log)({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(records[0]?.data).toEqual({ permission });
    },
  );

  it('answers every permission and device check with no', () => {
    expect(refusePermissionCheck()).toBe(false);
  });
});
