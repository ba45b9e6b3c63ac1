/**
 * The certificate the HTTPS ports present: your own (`--cert`, `--key`, e.g.
 * from mkcert) or the lab's self-signed one, kept in `.lab-certs/` beside the
 * project (gitignored) so a browser's exception for it survives restarts.
 * A file that cannot be used is a `LAB_ERR_BAD_CERT` naming it.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabErrors } from '../errors.ts';
import { type CertificatePair, ensureSelfSignedCertificate, keyMatchesCertificate } from './self-signed-certificate.ts';

/** Where the self-signed certificate is kept: `.lab-certs/` at the project's root. */
export const LAB_CERTS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '.lab-certs');

export interface LabCertificate extends CertificatePair {
  /** Where it came from, for the start line. */
  source: 'given' | 'self-signed (made now)' | 'self-signed (kept)';
  certPath: string;
}

/** `--cert`/`--key` when given (both or neither), else the self-signed certificate in `folder`. */
export function labCertificate(
  files: { cert: string | undefined; key: string | undefined },
  folder = LAB_CERTS_FOLDER,
): LabCertificate {
  if (files.cert === undefined && files.key === undefined) {
    const pair = ensureSelfSignedCertificate(folder);
    return {
      cert: pair.cert,
      key: pair.key,
      source: pair.created ? 'self-signed (made now)' : 'self-signed (kept)',
      certPath: path.join(folder, 'cert.pem'),
    };
  }
  if (files.cert === undefined || files.key === undefined) {
    throw LabErrors.BAD_CERT(
      `--${files.cert === undefined ? 'key' : 'cert'} was given without --${files.cert === undefined ? 'cert' : 'key'}`,
    );
  }
  const cert = readPem(files.cert, '--cert');
  const key = readPem(files.key, '--key');
  try {
    new X509Certificate(cert);
  } catch {
    throw LabErrors.BAD_CERT(`--cert ${files.cert} is not a PEM certificate`);
  }
  if (!keyMatchesCertificate(cert, key)) {
    throw LabErrors.BAD_CERT(`--key ${files.key} is not a PEM private key of the certificate in ${files.cert}`);
  }
  return { cert, key, source: 'given', certPath: files.cert };
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw LabErrors.BAD_CERT(`${flag} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
