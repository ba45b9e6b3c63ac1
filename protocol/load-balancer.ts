/**
 * The shape of `GET /api/cluster/load-balancer`: the nginx configurations of
 * the load-balancer lesson (cluster/nginx-configs/), each as its small file
 * beside its effect, and the one nginx runs now.
 */

/** One configuration as the page shows it. */
export interface LoadBalancerConfigView {
  /** `correct`, `no-upgrade`, … (the file's name without `.conf`). */
  name: string;
  /** The file as it is in cluster/nginx-configs/ (`{{SERVERS}}`, `{{PORT}}` not filled in). */
  text: string;
  /** Line numbers (1-based) of `text` that are not in `correct.conf`: what this config changed. */
  differingLines: number[];
  /** Lines of `correct.conf` that this config lacks (trimmed), e.g. `proxy_http_version 1.1;`. */
  missingLines: string[];
  /** What it breaks, in a few words. */
  breaks: string;
  /** The line that fixes it ('' for the configs that break nothing). */
  fix: string;
}

/** `GET /api/cluster/load-balancer`. */
export interface LoadBalancerState {
  /** False when the lab does not run under `npm run cluster` (then there is nothing to switch, and `configs` is empty). */
  controlled: boolean;
  /** The config nginx runs now; null when not controlled. */
  current: string | null;
  /** When it was switched to (server time, epoch ms); null for the config the cluster started with. */
  switchedAt: number | null;
  /** The config nginx is reloading with (a switch under way), else null. */
  switching: string | null;
  /** Why the last switch failed, else null. */
  error: string | null;
  configs: LoadBalancerConfigView[];
}

/** What the cluster's controller says about nginx, and publishes on `loadBalancerChannel` after each switch. */
export interface LoadBalancerSwitch {
  current: string;
  /** Epoch ms when nginx had reloaded with it; null for the config the cluster started with. */
  switchedAt: number | null;
  /**
   * The config nginx is reloading with, null when none: a switch is answered (202) as soon as it starts,
   * since the request itself goes through nginx and an old worker closes its connections within 1 s.
   */
  switching: string | null;
  /** Why the last switch failed (nginx refused the config, or did not reload in time); null when it did not. */
  error: string | null;
}

/** The controller's `GET /load-balancer`: the switch's state and every config (the lab passes both on). */
export interface LoadBalancerControllerState extends LoadBalancerSwitch {
  configs: LoadBalancerConfigView[];
}

/** The Redis channel on which a cluster announces a switch of nginx's config, for labs of key prefix `keyPrefix`. */
export function loadBalancerChannel(keyPrefix: string): string {
  return `${keyPrefix}load-balancer`;
}
