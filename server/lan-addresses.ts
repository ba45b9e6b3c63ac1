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

/**
 * The terminal's LAN banner in two parts a teacher cannot mix up: first what
 * may be projected (the student URLs and their QR code), then, under a rule,
 * the teacher's own URL with the token, marked as never to be projected.
 */
export function lanBanner(port: number, token: string): string {
  const urls = lanUrls(port);
  const student = urls[0] ?? `http://127.0.0.1:${port}/`;
  const lines = [
    '── STUDENTS · you may project this ──',
    'Students open (or scan):',
    ...urls.map((url) => `  ${url}`),
    '',
    renderUnicodeCompact(student, { border: 1 }),
    '',
    '── TEACHER ONLY · do not project: this line holds the token that steers the lab ──',
    `  ${student}?token=${token}`,
    '(On the teacher\'s page, "Show join code" fills the screen with the student URL and QR code, without the token.)',
  ];
  if (urls.length === 0) lines.splice(2, 0, '  (no LAN address found: is this machine on a network?)');
  return lines.join('\n');
}
