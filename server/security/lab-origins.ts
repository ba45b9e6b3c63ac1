/**
 * The lab's own origins: `http://<host>:<port>` for the lab's port and the
 * conditioner's, host being a name the lab is reached by. One predicate, used
 * by the Origin guard (foreign pages refused) and by CORS (own pages allowed
 * across the two ports), so the two can never disagree.
 */
import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The ports whose origins are the lab's own, read when a request comes (the conditioner binds after the lab). */
export interface LabPorts {
  labPort(): number | null;
  conditionerPort(): number | null;
  /** The HTTPS ports (`https://` origins), none without `--https`. */
  httpsPorts?(): number[];
}

/**
 * `http://<host>:<port>` for the lab's port and the conditioner's, host being 127.0.0.1, localhost,
 * [::1] and the bound address (each interface's address when bound to all). Worked out again only
 * when a port changes.
 */
export function labOriginPredicate(app: FastifyInstance, ports: LabPorts): (origin: string) => boolean {
  let key = '';
  let origins = new Set<string>();
  return (origin) => {
    const labPort = ports.labPort();
    const conditionerPort = ports.conditionerPort();
    const httpsPorts = ports.httpsPorts?.() ?? [];
    const nextKey = `${labPort}/${conditionerPort}/${httpsPorts.join(',')}`;
    if (nextKey !== key) {
      key = nextKey;
      const hosts = labHosts(app);
      origins = new Set();
      for (const port of [labPort, conditionerPort]) {
        if (port === null) continue;
        for (const host of hosts) origins.add(`http://${host}:${port}`);
      }
      for (const port of httpsPorts) for (const host of hosts) origins.add(`https://${host}:${port}`);
    }
    return origins.has(origin);
  };
}

/**
 * Host names as they appear in an Origin: loopback names, plus the bound address, or when bound to
 * every interface (LAN mode) each interface's address and the machine's name.
 */
function labHosts(app: FastifyInstance): string[] {
  const hosts = new Set(LOOPBACK_HOSTS);
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.address : null;
  const wildcard = bound === '0.0.0.0' || bound === '::';
  if (wildcard) {
    hosts.add(hostname().toLowerCase());
    hosts.add(`${hostname().toLowerCase()}.local`);
  }
  const addresses = wildcard
    ? Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((entry) => entry.address))
    : bound
      ? [bound]
      : [];
  for (const ip of addresses) hosts.add(isIP(ip) === 6 ? `[${ip.split('%')[0]}]` : ip);
  return [...hosts];
}
