/** Which way this page's four clients reach the lab: through the network conditioner, or straight. */
import { useLab } from '../lab-context.ts';
import './client-route-badge.css';

export function ClientRouteBadge() {
  const route = useLab((s) => s.route);
  if (route.via === 'conditioner') {
    return (
      <span
        className="route route-conditioner"
        data-route="conditioner"
        title={`The four clients connect to the network conditioner (${route.baseUrl}), which forwards their bytes to the lab with the network panel's delay, bandwidth and faults. The meter, inspector and controls stay on this page's own port.`}
      >
        clients → network conditioner :{route.conditionerPort} → lab
      </span>
    );
  }
  return (
    <span
      className="route route-direct"
      data-route="direct"
      title={
        route.note ??
        'The lab runs no network conditioner (start it with --conditioner-port), so the clients connect to the lab directly, unshaped.'
      }
    >
      clients → lab directly{route.note ? ' (conditioner unreachable)' : ''}
    </span>
  );
}
