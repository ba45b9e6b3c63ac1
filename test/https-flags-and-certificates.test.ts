/**
 * `--https` and its certificate: the self-signed one is what a browser needs
 * (localhost, 127.0.0.1 and ::1; not a CA; at most 365 days; really signed by
 * its key) and is kept between starts; a certificate file that cannot be used,
 * and a TLS flag without `--https`, are coded errors naming the flag or file.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStartFlags } from '../server/start-flags.ts';
import { labCertificate } from '../server/tls/lab-certificate.ts';
import {
  createSelfSignedCertificate,
  ensureSelfSignedCertificate,
  SELF_SIGNED_VALID_DAYS,
} from '../server/tls/self-signed-certificate.ts';

const folder = mkdtempSync(path.join(tmpdir(), 'lab-certs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function codeOf(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected an error');
}

describe('the self-signed certificate', () => {
  it('names localhost, 127.0.0.1 and ::1, is no CA, lasts at most 365 days and is signed by its own key', () => {
    const now = Date.now();
    const { cert } = createSelfSignedCertificate(now);
    const x509 = new X509Certificate(cert);
    expect(x509.checkHost('localhost')).toBe('localhost');
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.checkIP('::1')).toBe('::1');
    expect(x509.checkHost('example.com')).toBeUndefined();
    expect(x509.ca).toBe(false);
    expect(x509.verify(x509.publicKey)).toBe(true);
    const lifetimeDays = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 86_400_000;
    expect(lifetimeDays).toBeLessThanOrEqual(SELF_SIGNED_VALID_DAYS + 1);
    expect(Date.parse(x509.validFrom)).toBeLessThanOrEqual(now);
  });

  // A random serial once began 0x00 0x1f…: a padded INTEGER that OpenSSL refuses ("illegal padding").
  it.each([
    ['00 1f', '1F'],
    ['00 00 9a', '9A'],
    ['9a 01', '9A01'], // a sign byte 00 in DER, else it reads as negative
  ])('serial %s is written as a minimal INTEGER (%s) and TLS accepts the certificate', (hex, expected) => {
    const pair = createSelfSignedCertificate(Date.now(), Buffer.from(hex.replaceAll(' ', ''), 'hex'));
    expect(() => tls.createSecureContext(pair)).not.toThrow();
    expect(new X509Certificate(pair.cert).serialNumber).toBe(expected);
  });

  it('is made once and kept, so a browser exception survives restarts; a nearly expired one is made anew', () => {
    const first = ensureSelfSignedCertificate(folder);
    const again = ensureSelfSignedCertificate(folder);
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.cert).toBe(first.cert);
    expect(readFileSync(path.join(folder, 'cert.pem'), 'utf8')).toBe(first.cert);
    const aYearLater = Date.now() + SELF_SIGNED_VALID_DAYS * 86_400_000;
    const renewed = ensureSelfSignedCertificate(folder, aYearLater);
    expect(renewed.created).toBe(true);
    expect(renewed.cert).not.toBe(first.cert);
  });
});

describe('--cert and --key', () => {
  const files = mkdtempSync(path.join(tmpdir(), 'lab-cert-files-'));
  afterAll(() => rmSync(files, { recursive: true, force: true }));
  const own = createSelfSignedCertificate();
  const other = createSelfSignedCertificate();
  const write = (name: string, text: string): string => {
    const file = path.join(files, name);
    writeFileSync(file, text);
    return file;
  };
  const certFile = write('cert.pem', own.cert);
  const keyFile = write('key.pem', own.key);

  it('takes a PEM certificate and its own key', () => {
    const loaded = labCertificate({ cert: certFile, key: keyFile }, folder);
    expect(loaded.source).toBe('given');
    expect(loaded.cert).toBe(own.cert);
  });

  it.each([
    [
      'a missing file',
      { cert: path.join(files, 'none.pem'), key: keyFile },
      /--cert .*none\.pem cannot be read \(ENOENT\)/,
    ],
    ['a file that is not PEM', { cert: write('junk.pem', 'hello'), key: keyFile }, /is not a PEM certificate/],
    [
      'a key of another certificate',
      { cert: certFile, key: write('other.pem', other.key) },
      /is not a PEM private key of the certificate/,
    ],
    ['--cert without --key', { cert: certFile, key: undefined }, /--cert was given without --key/],
  ])('refuses %s with LAB_ERR_BAD_CERT naming it', (_what, given, message) => {
    const error = codeOf(() => labCertificate(given, folder));
    expect(error.code).toBe('LAB_ERR_BAD_CERT');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['--cert', 'x.pem'],
    ['--key', 'x.pem'],
    ['--https-port', '8443'],
    ['--https1-port', '8444'],
  ])('%s without --https is LAB_ERR_BAD_FLAG', (flag, value) => {
    const error = codeOf(() => parseStartFlags([flag, value], {}));
    expect(error).toEqual({ code: 'LAB_ERR_BAD_FLAG', message: `${flag} needs --https` });
  });

  it('--https ports: 3443 and the next by default, 0 and 0 with --port 0, a bad one refused', () => {
    expect(parseStartFlags(['--https'], {}).https).toMatchObject({ h2Port: 3443, http1Port: 3444 });
    expect(parseStartFlags(['--https', '--port', '0'], {}).https).toMatchObject({ h2Port: 0, http1Port: 0 });
    expect(parseStartFlags(['--https', '--https-port', '8443'], {}).https).toMatchObject({
      h2Port: 8443,
      http1Port: 8444,
    });
    expect(parseStartFlags([], {}).https).toBeNull();
    expect(codeOf(() => parseStartFlags(['--https', '--https-port', 'x'], {})).code).toBe('LAB_ERR_BAD_FLAG');
  });
});
