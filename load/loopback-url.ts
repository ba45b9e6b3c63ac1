/**
 * Load only ever targets this machine: a `--url` must name a loopback host
 * (127.0.0.0/8, ::1 or localhost). A load generator pointed at someone
 * else's server is an attack, whatever the intent.
 */
import { LabErrors } from '../server/errors.ts';

/** True for `localhost`, any 127.x.y.z and ::1, as the URL parser normalises them (`127.1` → `127.0.0.1`). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  const octets = host.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  );
}

/**
 * Checks a `--url` flag: http(s), loopback host. Returns it without a trailing slash.
 * @throws LAB_ERR_BAD_FLAG naming the flag and what was wrong
 */
export function loopbackUrlFlag(flag: string, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw LabErrors.BAD_FLAG(`${flag} must be a URL such as http://127.0.0.1:3000 (got ${JSON.stringify(text)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw LabErrors.BAD_FLAG(`${flag} must start with http:// or https:// (got ${JSON.stringify(text)})`);
  }
  if (!isLoopbackHost(url.hostname)) {
    throw LabErrors.BAD_FLAG(
      `${flag} must point at this machine (127.0.0.0/8, ::1 or localhost); load is never sent elsewhere (got host ${JSON.stringify(url.hostname)})`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw LabErrors.BAD_FLAG(
      `${flag} must be the lab's base URL, without a query or fragment (got ${JSON.stringify(text)})`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
