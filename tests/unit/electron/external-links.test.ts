import { describe, expect, it, vi } from 'vitest';
import { openExternalLink, parseExternalUrl } from '../../../src/main/electron/external-links';
import { recordingLogger } from './fakes';

describe('external links', () => {
  it.each([
    'https://www.binance.com/en/trade/BTC_USDT',
    'http://127.0.0.1:8080/status',
    'https://docs.ccxt.com/#/?id=x',
  ])('accepts %s', (url) => {
    expect(parseExternalUrl(url)?.href).toBe(new URL(url).href);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://attacker/share',
    'ms-msdt:/id PCWDiagnostic',
    'app://candlewatch/index.html',
    'https://www.binance.com@evil.example/',
    'https://user:pass@example.com/',
    'not a url',
    '',
    `https://example.com/${'a'.repeat(3000)}`,
    42,
    undefined,
  ])('refuses %s', (url) => {
    expect(parseExternalUrl(url)).toBeUndefined();
  });

  it('opens a valid link, refuses the rest without revealing the URL in the log', () => {
    const { log, records } = recordingLogger();
    const shell = { openExternal: vi.fn(async () => {}) };
    expect(openExternalLink(shell, 'https://example.com/a', log)).toBe(true);
    expect(openExternalLink(shell, 'file:///home/me/.ssh/id_rsa', log)).toBe(false);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(records)).not.toContain('id_rsa');
  });

  it('logs when the OS cannot open the link, without throwing', async () => {
    const { log, records } = recordingLogger();
    const shell = { openExternal: vi.fn(async () => Promise.reject(new Error('no browser'))) };
    expect(openExternalLink(shell, 'https://example.com/', log)).toBe(true);
    await vi.waitFor(() => expect(records.some((r) => r.msg.includes('did not open'))).toBe(true));
  });
});
