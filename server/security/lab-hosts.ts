/**
 * Which names the lab answers to. A browser tricked by DNS rebinding sends a
 * foreign name in `Host` (evil.example → 127.0.0.1), so only these pass; and
 * only pages from these names, on the lab's own ports, may use the feed from a
 * browser (`Origin`).
 */
import { hostname, networkInterfaces } from 'node:os';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Loopback names always; in LAN mode also the machine's name and its interface addresses. */
export function labHostnames(lan: boolean): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  if (!lan) return names;
  const machine = hostname().toLowerCase();
  names.add(machine);
  names.add(`${machine}.local`);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) names.add(address.address.toLowerCase());
  }
  return names;
}

/** The hostname of a Host header value (`name`, `name:port`, `[v6]:port`), lower-cased; null when malformed. */
export function hostnameOfHostHeader(value: string): string | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(value);
  if (!match) return null;
  return (match[1] ?? match[2] ?? '').toLowerCase();
}

/** `{hostname, port}` of an Origin header, or null when it is not an http(s) origin. */
export function parseOrigin(value: string): { hostname: string; port: number } | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value) return null;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return { hostname: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port };
}
