/**
 * The load-balancer lesson's nginx configurations, one small file each in
 * nginx-configs/, with what each does to the lab's transports and the line
 * that fixes it (README "The load-balancer lesson").
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LoadBalancerConfigView } from '../protocol/load-balancer.ts';

export const LOAD_BALANCER_CONFIGS = {
  correct: { breaks: 'nothing: every transport works, each client keeps its instance', fix: '' },
  'no-upgrade': {
    breaks: 'WebSocket: the upgrade gets 404 (nginx sends HTTP/1.0 without Upgrade)',
    fix: 'proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade;',
  },
  'buffering-on': {
    breaks:
      "nothing visible with nginx 1.22 on loopback (SSE events still arrive one by one); a slow client's backlog may go to nginx's temp files",
    fix: 'proxy_buffering off; (and let X-Accel-Buffering: no through)',
  },
  'short-read-timeout': {
    breaks: 'long poll: 504 at the timeout, tried on every instance, then 502 for everyone; idle WebSocket: cut (1006)',
    fix: 'proxy_read_timeout 1h; (above the long-poll hold and the WebSocket ping)',
  },
  'round-robin': {
    breaks: "a client's requests move between instances (session-based transports fail; the lab's resume by seq)",
    fix: 'hash $arg_client consistent;',
  },
  'ip-hash': {
    breaks: 'every client on 127.0.0.x (or behind one NAT) lands on one instance',
    fix: 'hash $arg_client consistent;',
  },
  'sticky-cookie': {
    breaks: 'nothing: a cookie nginx sets keeps each browser on one instance (a client without cookies is spread)',
    fix: '',
  },
} as const;

export type LoadBalancerConfigName = keyof typeof LOAD_BALANCER_CONFIGS;

export function isLoadBalancerConfigName(name: string): name is LoadBalancerConfigName {
  return Object.hasOwn(LOAD_BALANCER_CONFIGS, name);
}

/** The config's file, `cluster/nginx-configs/<name>.conf`. */
export function loadBalancerConfigPath(name: LoadBalancerConfigName): string {
  return fileURLToPath(new URL(`./nginx-configs/${name}.conf`, import.meta.url));
}

/** The non-comment lines of a config file, trimmed, for comparing two configs line by line. */
function directiveLines(text: string): string[] {
  return text.split('\n').map((line) => line.trim());
}

const isDirective = (line: string): boolean => line !== '' && !line.startsWith('#');

/** One config as the page shows it: its file, the lines that differ from `correct`, what it breaks and the fix. */
export function loadBalancerConfigView(name: LoadBalancerConfigName): LoadBalancerConfigView {
  const text = readFileSync(loadBalancerConfigPath(name), 'utf8');
  const correct = new Set(directiveLines(readFileSync(loadBalancerConfigPath('correct'), 'utf8')).filter(isDirective));
  const own = directiveLines(text);
  const ownSet = new Set(own);
  return {
    name,
    text,
    differingLines: own.flatMap((line, i) => (isDirective(line) && !correct.has(line) ? [i + 1] : [])),
    // Whole directives only (a map's entries and braces say nothing on their own).
    missingLines: [...correct].filter(
      (line) => !ownSet.has(line) && /^[a-z_]+ .*;$/.test(line) && !line.startsWith('default '),
    ),
    breaks: LOAD_BALANCER_CONFIGS[name].breaks,
    fix: LOAD_BALANCER_CONFIGS[name].fix,
  };
}

/** Every config, `correct` first, in the order of LOAD_BALANCER_CONFIGS. */
export function loadBalancerConfigViews(): LoadBalancerConfigView[] {
  return (Object.keys(LOAD_BALANCER_CONFIGS) as LoadBalancerConfigName[]).map(loadBalancerConfigView);
}
