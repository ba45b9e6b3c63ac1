/** The run's elapsed time as a bar, and per transport its connected clients and rate while it goes. */
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { LoadRunView } from '../../../protocol/load-run-view.ts';
import * as fmt from '../format.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { isActive } from './load-run-watch.ts';
import { TransportSwatch } from './transport-swatch.tsx';

export function LoadProgress({
  run,
  durationS,
  transports,
}: {
  run: LoadRunView;
  durationS: number;
  transports: TransportName[];
}) {
  const elapsed = Math.min(run.elapsedS, durationS);
  const share = durationS > 0 ? elapsed / durationS : 0;
  const finishing = run.state === 'running' && elapsed >= durationS - 0.5;
  const clients = (t: TransportName): number => run.clients[t] ?? run.settings?.clientsPerTransport ?? 0;
  return (
    <div className="load-progress" data-load="progress">
      <div className="load-bar-line">
        <div
          className="load-bar"
          role="progressbar"
          aria-label="Elapsed time of the run"
          aria-valuemin={0}
          aria-valuemax={durationS}
          aria-valuenow={Math.floor(elapsed)}
        >
          <div className="load-bar-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
        </div>
        <span className="load-elapsed">
          <span data-load="elapsed">{Math.floor(elapsed)}</span> / {durationS} s
          {finishing && <span className="muted"> — collecting the results…</span>}
        </span>
      </div>
      <ul className="load-connected">
        {transports.map((t) => (
          <li key={t} data-load-transport={t}>
            <TransportSwatch transport={t} /> {TRANSPORT_LOOK[t].short}:{' '}
            {isActive(run.state) ? (
              <>
                <strong data-load="connected">{fmt.count(run.connected[t] ?? 0)}</strong> of {fmt.count(clients(t))}{' '}
                connected
                <span className="muted"> · {fmt.rate(run.messagesPerSecond[t] ?? 0)} msgs/s</span>
              </>
            ) : (
              <>{fmt.count(clients(t))} clients</>
            )}
            {(run.errors[t] ?? 0) > 0 && <span className="warn"> · {fmt.count(run.errors[t] ?? 0)} errors</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
