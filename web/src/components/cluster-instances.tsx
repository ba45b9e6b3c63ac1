/**
 * Behind a load balancer (`npm run cluster`): each lab instance's clients and
 * traffic, from `GET /api/metrics/cluster` every 2 s. A lab without `--redis`
 * answers `shared: false` there: the panel then shows nothing and stops asking.
 * Under `npm run cluster` it holds the load-balancer lesson's switch too.
 */
import { useEffect, useState } from 'react';
import type { ClusterMetrics } from '../../../protocol/cluster-metrics.ts';
import { TRANSPORT_NAMES } from '../../../protocol/feed-event.ts';
import { totalBytes } from '../../../protocol/figures.ts';
import * as fmt from '../format.ts';
import { LoadBalancerLesson } from './load-balancer-lesson.tsx';

/** ms between two reads of the cluster's figures. */
const POLL_MS = 2000;

/** The cluster's figures, null while unknown or when this lab is not part of a cluster. */
function useClusterMetrics(): ClusterMetrics | null {
  const [metrics, setMetrics] = useState<ClusterMetrics | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const response = await fetch('/api/metrics/cluster', { cache: 'no-store' });
        if (response.ok) {
          const metrics = (await response.json()) as ClusterMetrics;
          if (!metrics.shared) return; // a lab on its own: never ask again
          if (!stopped) setMetrics(metrics);
        }
      } catch {
        // the instance that answered went away: the next poll reaches another
      }
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, []);
  return metrics;
}

export function ClusterInstances() {
  const metrics = useClusterMetrics();
  if (!metrics) return null;
  return (
    <section className="cluster-instances panel" aria-label="Lab instances" data-panel="cluster-instances">
      <h2>Lab instances ({metrics.instances.length})</h2>
      <p className="muted">
        One feed through Redis (seq {fmt.count(metrics.seq)}); this page was answered by{' '}
        <code>{metrics.answeredBy}</code>. Each instance meters its own sockets.
      </p>
      <table>
        <thead>
          <tr>
            <th>instance</th>
            <th>open streams and held polls</th>
            {TRANSPORT_NAMES.map((name) => (
              <th key={name}>{name} events</th>
            ))}
            <th>bytes, all transports</th>
          </tr>
        </thead>
        <tbody>
          {[...metrics.instances, { ...metrics.sums, name: 'all', t: 0 }].map((instance) => (
            <tr key={instance.name} data-instance={instance.name}>
              <td>{instance.name}</td>
              <td>{fmt.count(instance.listeners)}</td>
              {TRANSPORT_NAMES.map((name) => (
                <td key={name}>{fmt.count(instance.transports[name].messages)}</td>
              ))}
              <td>
                {fmt.bytes(TRANSPORT_NAMES.reduce((sum, name) => sum + totalBytes(instance.transports[name]), 0))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadBalancerLesson />
    </section>
  );
}
