import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '../../../src/main/headless/tls/self-signed-cert';
import {
  identityFromFiles,
  SELF_SIGNED_KEY_FILE,
  selfSignedIdentity,
} from '../../../src/main/headless/tls/server-identity';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cw-tls-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('self-signed certificate', () => {
  it('is an ECDSA P-256 certificate for 10 years that is not a CA and names loopback', () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const made = createSelfSignedCert('Candlewatch test', now);
    const cert = new X509Certificate(made.certPem);
    expect(cert.subject).toBe('CN=Candlewatch test');
    expect(cert.issuer).toBe(cert.subject);
    expect(cert.ca).toBe(false);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2036);
    expect(new Date(cert.validFrom).getTime()).toBeLessThan(now.getTime());
    expect(cert.verify(cert.publicKey)).toBe(true);
  });

  it('writes GeneralizedTime past 2049, as RFC 5280 requires', () => {
    const cert = new X509Certificate(createSelfSignedCert('x', new Date('2045-06-01T00:00:00Z')).certPem);
    expect(new Date(cert.validTo).getUTCFullYear()).toBe(2055);
  });

  it('encodes any serial in the shortest form OpenSSL accepts (leading zero bytes, a high first bit)', () => {
    const serials = [
      [0x00, 0x05, 0xaa],
      [0x00, 0x00, 0x80, 0x01],
      [0x80, 0x01],
      [0x7f, 0xff],
    ];
    const read = serials.map((bytes) =>
      new X509Certificate(
        createSelfSignedCert('x', new Date(), Buffer.from(bytes)).certPem,
      ).serialNumber.toLowerCase(),
    );
    expect(read).toEqual(['05aa', '8001', '8001', '7fff']);
  });

  it('gets a new key and serial each time', () => {
    const a = new X509Certificate(createSelfSignedCert('x').certPem);
    const b = new X509Certificate(createSelfSignedCert('x').certPem);
    expect(a.fingerprint256).not.toBe(b.fingerprint256);
    expect(a.serialNumber).not.toBe(b.serialNumber);
  });
});

describe('server identity', () => {
  it('makes the self-signed pair once, key 0600, and reuses it on the next start', () => {
    const first = selfSignedIdentity(dir, 'Candlewatch server');
    expect(first.source).toBe('generated');
    expect(first.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(statSync(join(dir, SELF_SIGNED_KEY_FILE)).mode & 0o777).toBe(0o600);
    const second = selfSignedIdentity(dir, 'Candlewatch server');
    expect(second).toMatchObject({ source: 'data-dir', fingerprint: first.fingerprint, cert: first.cert });
  });

  it('refuses half a pair instead of silently making a new certificate', () => {
    selfSignedIdentity(dir, 'x');
    unlinkSync(join(dir, SELF_SIGNED_KEY_FILE));
    expect(() => selfSignedIdentity(dir, 'x')).toThrow(
      /tls-key\.pem is missing while .*tls-cert\.pem exists: restore it, or delete both/,
    );
  });

  it('loads --tls-cert/--tls-key and names the file that is wrong', () => {
    const a = createSelfSignedCert('a');
    const b = createSelfSignedCert('b');
    const certFile = join(dir, 'a.pem');
    const keyFile = join(dir, 'a.key');
    writeFileSync(certFile, a.certPem);
    writeFileSync(keyFile, a.keyPem);
    expect(identityFromFiles(certFile, keyFile)).toMatchObject({
      source: 'files',
      fingerprint: new X509Certificate(a.certPem).fingerprint256,
    });
    writeFileSync(keyFile, b.keyPem);
    expect(() => identityFromFiles(certFile, keyFile)).toThrow(
      `${keyFile} is not the key of the certificate ${certFile}`,
    );
    writeFileSync(keyFile, 'not a key');
    expect(() => identityFromFiles(certFile, keyFile)).toThrow(`${keyFile} is not a PEM private key`);
    expect(() => identityFromFiles(join(dir, 'none.pem'), keyFile)).toThrow(
      /cannot read --tls-cert .*none\.pem \(ENOENT\)/,
    );
    expect(readFileSync(certFile, 'utf8')).toBe(a.certPem);
  });
});
