/**
 * A self-signed certificate for `localhost`, `127.0.0.1` and `::1`, made with
 * Node's own crypto (an ECDSA P-256 key, the X.509 DER written by hand below):
 * no system tool (openssl) and no npm package. It is kept in a folder
 * (`.lab-certs/`, gitignored) and reused while valid, so a browser's exception
 * for it survives restarts.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A certificate and its private key, both PEM. */
export interface CertificatePair {
  cert: string;
  key: string;
}

/** How long a generated certificate is valid: 365 days (browsers refuse longer-lived leaf certificates). */
export const SELF_SIGNED_VALID_DAYS = 365;
const DAY_MS = 86_400_000;

/**
 * The certificate in `folder` (`cert.pem`, `key.pem`), made first when missing, unreadable or
 * expiring within a day.
 */
export function ensureSelfSignedCertificate(folder: string, now = Date.now()): CertificatePair & { created: boolean } {
  const certPath = path.join(folder, 'cert.pem');
  const keyPath = path.join(folder, 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    try {
      const pair = { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
      const validTo = Date.parse(new X509Certificate(pair.cert).validTo);
      if (validTo - now > DAY_MS) return { ...pair, created: false };
    } catch {
      // Unreadable: made anew below.
    }
  }
  const pair = createSelfSignedCertificate(now);
  mkdirSync(folder, { recursive: true });
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  writeFileSync(certPath, pair.cert);
  return { ...pair, created: true };
}

/** A new key and a certificate for localhost, 127.0.0.1 and ::1, valid from an hour ago for `SELF_SIGNED_VALID_DAYS`. */
export function createSelfSignedCertificate(now = Date.now(), serial = randomBytes(16)): CertificatePair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = der(0x30, der(0x31, der(0x30, oid('2.5.4.3'), der(0x0c, Buffer.from('Transport Lab (localhost)')))));
  const ecdsaWithSha256 = der(0x30, oid('1.2.840.10045.4.3.2'));
  const altNames = der(
    0x30,
    der(0x82, Buffer.from('localhost')),
    der(0x87, Buffer.from([127, 0, 0, 1])),
    der(0x87, Buffer.from('00000000000000000000000000000001', 'hex')),
  );
  const extensions = der(
    0x30,
    extension('2.5.29.19', true, der(0x30)), // basicConstraints: not a CA
    extension('2.5.29.15', true, der(0x03, Buffer.from([0x07, 0x80]))), // keyUsage: digitalSignature
    extension('2.5.29.37', false, der(0x30, oid('1.3.6.1.5.5.7.3.1'))), // extKeyUsage: serverAuth
    extension('2.5.29.17', false, altNames), // subjectAltName
  );
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Buffer.from([2]))), // version 3
    positiveInteger(serial),
    ecdsaWithSha256,
    name,
    der(0x30, utcTime(now - 3_600_000), utcTime(now + SELF_SIGNED_VALID_DAYS * DAY_MS)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey); // ECDSA signatures are DER already
  const certificate = der(0x30, tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), signature));
  return {
    cert: pem('CERTIFICATE', certificate),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/**
 * The base64 SHA-256 of the certificate's public key (SPKI), as Chromium's
 * `--ignore-certificate-errors-spki-list` and HPKP name a key.
 */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Whether `key` is the private key of `cert` (both PEM); false when either does not parse. */
export function keyMatchesCertificate(cert: string, key: string): boolean {
  try {
    return new X509Certificate(cert).checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

/** One DER element: tag, definite length, content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const length =
    body.length < 0x80
      ? Buffer.from([body.length])
      : body.length < 0x100
        ? Buffer.from([0x81, body.length])
        : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

/**
 * `bytes` as a DER INTEGER, read as unsigned: minimal (no leading zero byte unless the next
 * has its high bit set, which would make it negative) — OpenSSL refuses any other form
 * ("illegal padding"), so a random serial must be trimmed, not masked.
 */
export function positiveInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  const digits = bytes.subarray(start);
  const sign = (digits[0] ?? 0) & 0x80 ? Buffer.from([0]) : Buffer.alloc(0);
  return der(0x02, sign, digits.length > 0 ? digits : Buffer.from([0]));
}

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let value = arc >> 7; value > 0; value >>= 7) base128.unshift((value & 0x7f) | 0x80);
    bytes.push(...base128);
  }
  return der(0x06, Buffer.from(bytes));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der(0x30, oid(id), ...(critical ? [der(0x01, Buffer.from([0xff]))] : []), der(0x04, value));
}

/** UTCTime `YYMMDDHHMMSSZ` (valid up to 2049, as X.509 requires UTCTime there). */
function utcTime(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-12-01T22:51:39.000Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, Buffer.from(text));
}

function pem(label: string, bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
