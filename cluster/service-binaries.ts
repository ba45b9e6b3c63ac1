/**
 * Where the machine's `redis-server` and `nginx` are (Debian: `apt-get install
 * redis-server nginx`); null when one is missing, so callers can say so.
 */
import { existsSync } from 'node:fs';

export const SERVICES_INSTALL_HINT = 'Install them with `apt-get install redis-server nginx haproxy` (Debian/Ubuntu).';

function firstExisting(candidates: (string | undefined)[]): string | null {
  for (const path of candidates) if (path && existsSync(path)) return path;
  return null;
}

/** `REDIS_SERVER_PATH`, else the usual install paths. */
export function findRedisServer(): string | null {
  return firstExisting([process.env.REDIS_SERVER_PATH, '/usr/bin/redis-server', '/usr/local/bin/redis-server']);
}

/** `NGINX_PATH`, else the usual install paths. */
export function findNginx(): string | null {
  return firstExisting([process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx', '/usr/local/sbin/nginx']);
}

/** `HAPROXY_PATH`, else the usual install paths (only the HAProxy side of the load-balancer lesson needs it). */
export function findHaproxy(): string | null {
  return firstExisting([process.env.HAPROXY_PATH, '/usr/sbin/haproxy', '/usr/bin/haproxy', '/usr/local/sbin/haproxy']);
}
