/**
 * Which names the lab answers to. A browser tricked by DNS rebinding sends a
 * foreign name in `Host` (evil.example → 127.0.0.1), so only these pass.
 */
import { hostname, networkInterfaces } from 'node:os';
import { isLoopbackAddress } from './loopback-address.ts';

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

/**
 * The hostname of a Host header value (`name`, `name:port`, `[v6]:port`), lower-cased; null when malformed
 * or when the port is not 1–65535 (`localhost:99999` names no port of this machine).
 */
export function hostnameOfHostHeader(value: string): string | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(value);
  if (!match) return null;
  if (match[3] !== undefined && !(Number(match[3]) >= 1 && Number(match[3]) <= 65_535)) return null;
  return (match[1] ?? match[2] ?? '').toLowerCase();
}

/** Whether a Host value names this lab: one of `names`, or a loopback address (all of 127.0.0.0/8 is this machine). */
export function isLabHost(value: string, names: ReadonlySet<string>): boolean {
  const name = hostnameOfHostHeader(value);
  return name !== null && (names.has(name) || isLoopbackAddress(name));
}
