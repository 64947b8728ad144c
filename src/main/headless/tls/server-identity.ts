import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsChoice } from '../cli-args';
import { createSelfSignedCert } from './self-signed-cert';

/** The certificate the server presents, and the fingerprint clients pin (SHA-256, `AB:CD:…`). */
export type ServerIdentity = {
  cert: string;
  key: string;
  fingerprint: string;
  /** 'generated' the first time a self-signed certificate was made, 'data-dir' when it was reused */
  source: 'files' | 'generated' | 'data-dir';
};

/** Names of the self-signed pair in the data folder. */
export const SELF_SIGNED_CERT_FILE = 'tls-cert.pem';
export const SELF_SIGNED_KEY_FILE = 'tls-key.pem';

/** A certificate that cannot be used: the message names the file and what to do. */
export class TlsIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsIdentityError';
  }
}

/** The certificate a TLS choice of the command line names (the self-signed one is made on first use). */
export function identityFor(choice: TlsChoice, dataDir: string): ServerIdentity {
  return choice.kind === 'files'
    ? identityFromFiles(choice.certFile, choice.keyFile)
    : selfSignedIdentity(dataDir, 'Candlewatch server');
}

/** `--tls-cert` / `--tls-key`: the user's own pair (a CA-signed one, or one they made). */
export function identityFromFiles(certFile: string, keyFile: string): ServerIdentity {
  return {
    ...checkedPair(read(certFile, '--tls-cert'), read(keyFile, '--tls-key'), certFile, keyFile),
    source: 'files',
  };
}

/**
 * The self-signed pair kept in the data folder, made on the first start. It is never silently
 * replaced: a new certificate means every paired client refuses the server until its user confirms
 * the new fingerprint, so half a pair or a broken one stops the start with what to do instead.
 */
export function selfSignedIdentity(dataDir: string, commonName: string): ServerIdentity {
  const certFile = join(dataDir, SELF_SIGNED_CERT_FILE);
  const keyFile = join(dataDir, SELF_SIGNED_KEY_FILE);
  const hasCert = existsSync(certFile);
  const hasKey = existsSync(keyFile);
  if (hasCert && hasKey) {
    return { ...checkedPair(read(certFile), read(keyFile), certFile, keyFile), source: 'data-dir' };
  }
  if (hasCert || hasKey) {
    throw new TlsIdentityError(
      `${hasCert ? keyFile : certFile} is missing while ${hasCert ? certFile : keyFile} exists: restore it, or delete both to make a new certificate (every paired client will then have to confirm the new fingerprint)`,
    );
  }
  const made = createSelfSignedCert(commonName);
  // The key first and 0600 (readable by this user only); 'wx' never overwrites a file that appeared meanwhile.
  writeFileSync(keyFile, made.keyPem, { mode: 0o600, flag: 'wx' });
  writeFileSync(certFile, made.certPem, { mode: 0o644, flag: 'wx' });
  return {
    cert: made.certPem,
    key: made.keyPem,
    fingerprint: fingerprintOf(made.certPem),
    source: 'generated',
  };
}

export const fingerprintOf = (certPem: string): string => new X509Certificate(certPem).fingerprint256;

function read(file: string, flag?: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new TlsIdentityError(`cannot read ${flag ? `${flag} ` : ''}${file} (${code})`);
  }
}

function checkedPair(cert: string, key: string, certFile: string, keyFile: string) {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TlsIdentityError(`${certFile} is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new TlsIdentityError(
      `${keyFile} is not a PEM private key (or it is encrypted, which is not supported)`,
    );
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsIdentityError(`${keyFile} is not the key of the certificate ${certFile}`);
  }
  return { cert, key, fingerprint: x509.fingerprint256 };
}
