/**
 * What LAN mode prints: the URLs students type (or scan) and the teacher's
 * URL with the token, as Jupyter does.
 */
import { networkInterfaces } from 'node:os';
import { renderUnicodeCompact } from 'uqr';

/** http://<address>:<port>/ for every non-internal IPv4 address of this machine. */
export function lanUrls(port: number): string[] {
  const urls: string[] = [];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) urls.push(`http://${address.address}:${port}/`);
    }
  }
  return urls;
}

export function lanBanner(port: number, token: string): string {
  const urls = lanUrls(port);
  const student = urls[0] ?? `http://127.0.0.1:${port}/`;
  const lines = [
    'LAN mode: students open (or scan)',
    ...urls.map((url) => `  ${url}`),
    '',
    renderUnicodeCompact(student, { border: 1 }),
    'Teacher (controls need this token; keep it off the projector):',
    `  ${student}?token=${token}`,
  ];
  if (urls.length === 0) lines.splice(1, 0, '  (no LAN address found: is this machine on a network?)');
  return lines.join('\n');
}
