/**
 * The network between this page's clients and the lab: a profile, custom
 * values, and faults. Everything here steers the lab's network conditioner,
 * so it applies to every client going through it (a control action: in
 * classroom mode only the teacher's page may use it).
 */
import { useLab, useStore } from '../lab-context.ts';
import { ConditionsBadge } from './conditions-badge.tsx';
import { CONTAINED } from './contained.ts';
import { CustomNetwork } from './custom-network.tsx';
import { FaultButtons } from './fault-buttons.tsx';
import { useSharedLock } from './use-shared-lock.ts';
import './network-panel.css';

export function NetworkPanel() {
  const store = useStore();
  const network = useLab((s) => s.network);
  const profiles = useLab((s) => s.networkProfiles);
  const route = useLab((s) => s.route);
  const error = useLab((s) => s.networkError);
  const noConditioner = network === null || network.port === null;
  const locked = useSharedLock();
  const disabled = noConditioner || locked !== null;
  const profile = network?.profile ?? 'none';
  const notice =
    profile === 'custom'
      ? 'Your own values: move a slider to change one.'
      : (profiles.find((p) => p.id === profile)?.notice ?? '');

  return (
    <section className="network panel" aria-label="Network conditions" data-panel="network" style={CONTAINED}>
      <div className="panel-head">
        <h2>Network</h2>
        <ConditionsBadge />
      </div>
      <p className="muted network-why">
        On one machine every transport looks instant. Add a real network's round trip, bandwidth and faults between this
        page's clients and the lab, and watch the columns and charts change.
      </p>
      <p className="muted network-why" data-network="shaped-ports">
        Shaped: only what goes through the conditioner's own port{network?.port ? ` (${network.port})` : ''}, which
        forwards to the lab's plain HTTP port. The HTTPS ports (<code>--https</code>: HTTP/2 and HTTP/1.1 over TLS) are
        never shaped.
      </p>
      {noConditioner ? (
        <p className="network-off" data-network="off">
          This lab runs no network conditioner, so there is nothing to shape. <code>npm start</code> starts one on the
          lab's port + 1 (<code>--conditioner-port</code> sets it).
        </p>
      ) : (
        route.note && <p className="network-off">Note: {route.note}. The settings still apply to other clients.</p>
      )}
      {locked && !noConditioner && (
        <p className="why-disabled" id="network-locked" data-why-disabled="network">
          {locked}
        </p>
      )}
      <div className="network-grid" title={locked ?? undefined}>
        <fieldset className="network-profile" disabled={disabled}>
          <legend>Profile</legend>
          <select
            data-control="network-profile"
            aria-label="Network profile"
            value={profile}
            onChange={(e) =>
              void store.changeNetwork(
                e.target.value === 'custom' ? { profile: 'custom' } : { profile: e.target.value },
              )
            }
          >
            {profiles.length === 0 && profile !== 'custom' && <option value={profile}>{profile}</option>}
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id} — {p.title}
              </option>
            ))}
            <option value="custom">custom — your own values</option>
          </select>
          <p className="network-notice" data-network="notice">
            {notice}
          </p>
          <label className="network-switch">
            <input
              type="checkbox"
              data-control="websocket-blocked"
              checked={network?.websocketBlocked ?? false}
              onChange={(e) => void store.changeNetwork({ websocketBlocked: e.target.checked })}
            />{' '}
            WebSocket blocked
          </label>
          <p className="network-notice" data-network="websocket-blocked-notice">
            Refuses every <code>Upgrade</code> request (403), as some proxies and firewalls do. Plain WebSocket fails
            and keeps retrying; Socket.IO's default client (<code>['polling', 'websocket']</code>) falls back to long
            polling and loses nothing; <code>transports: ['websocket']</code> does not fall back.
          </p>
        </fieldset>
        <CustomNetwork disabled={disabled} />
        <FaultButtons disabled={disabled} />
      </div>
      {error && (
        <div className="control-error" role="alert" data-network="error">
          <strong>{error.message}</strong>
          {error.hint && <span> — {error.hint}</span>}
          <button type="button" onClick={() => store.dismissNetworkError()} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </section>
  );
}
