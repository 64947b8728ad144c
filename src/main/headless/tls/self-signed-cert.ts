import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';

/**
 * A self-signed X.509 certificate made with node:crypto alone: Node can sign but has no certificate
 * builder, and the machine the server runs on may have no `openssl`. The certificate is ECDSA P-256
 * with SHA-256 (what every browser and Node's TLS accept; Ed25519 certificates are refused by
 * browsers). Clients do not trust it through a CA: they pin its SHA-256 fingerprint at pairing, as
 * SSH and Syncthing do, so its names only label it.
 */
export type SelfSignedCert = { certPem: string; keyPem: string };

const VALID_YEARS = 10;

/** `serial`: the serial number's unsigned big-endian bytes (random unless a test picks them) */
export function createSelfSignedCert(
  commonName: string,
  now = new Date(),
  serial: Buffer = randomBytes(16),
): SelfSignedCert {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaWithSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const name = seq(set(seq(oid('2.5.4.3'), utf8(commonName))));
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALID_YEARS);
  // A day of slack before now: a client whose clock is a little behind still accepts it.
  const notBefore = new Date(now.getTime() - 86_400_000);
  const tbs = seq(
    tagged(0xa0, integer(Buffer.from([2]))), // version 3
    integer(serial),
    ecdsaWithSha256,
    name,
    seq(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    tagged(
      0xa3,
      seq(
        // basicConstraints, critical: not a CA, so it can never sign another certificate
        seq(oid('2.5.29.19'), Buffer.from([0x01, 0x01, 0xff]), octets(seq())),
        // subjectAltName localhost / 127.0.0.1 / ::1, the names a browser on the server itself uses
        seq(
          oid('2.5.29.17'),
          octets(
            seq(
              tagged(0x82, Buffer.from('localhost')),
              tagged(0x87, Buffer.from([127, 0, 0, 1])),
              tagged(0x87, Buffer.from([...Array<number>(15).fill(0), 1])),
            ),
          ),
        ),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey); // DER-encoded ECDSA signature
  const der = seq(tbs, ecdsaWithSha256, bitString(signature));
  const certPem = pem('CERTIFICATE', der);
  // Proof that what was built parses and matches its key before anyone relies on it.
  const parsed = new X509Certificate(certPem);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (!parsed.checkPrivateKey(createPrivateKey(keyPem)))
    throw new Error('self-signed certificate does not match its key');
  return { certPem, keyPem };
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

// --- the little DER (ITU-T X.690) a certificate needs ---

function tagged(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const seq = (...items: Buffer[]) => tagged(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tagged(0x31, Buffer.concat(items));
const octets = (content: Buffer) => tagged(0x04, content);
const utf8 = (text: string) => tagged(0x0c, Buffer.from(text, 'utf8'));
const bitString = (content: Buffer) => tagged(0x03, Buffer.concat([Buffer.from([0]), content]));

/**
 * A non-negative INTEGER from unsigned big-endian bytes, in DER's one allowed form (X.690 8.3.2): no
 * leading zero byte, except one before a byte whose top bit would make it negative. A random serial
 * that began with a zero byte was 1 certificate in 256 that OpenSSL refused ("illegal padding").
 */
function integer(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const bytes = unsigned.subarray(start);
  return tagged(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const bytes = [n & 0x7f];
    for (let v = n >>> 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80);
    out.push(...bytes);
  }
  return tagged(0x06, Buffer.from(out));
}

/** UTCTime up to 2049, GeneralizedTime from 2050 on (RFC 5280, 4.1.2.5). */
function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return date.getUTCFullYear() < 2050
    ? tagged(0x17, Buffer.from(`${iso.slice(2)}Z`))
    : tagged(0x18, Buffer.from(`${iso}Z`));
}
