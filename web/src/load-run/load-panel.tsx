/**
 * A load run from the dashboard: virtual clients per transport for a while,
 * run by the load generator in a process of its own on the lab's machine
 * (`POST /api/load`). Shows the run's progress, live charts of its delivery
 * rate and connected clients, and the final table. The lab counts these
 * clients apart (`load` in /api/metrics), so the columns above keep showing
 * this page's own clients. A run read from earlier says when it ran and with
 * which settings. Self-contained (use-load-run.ts follows the run),
 * and lazily loaded with Recharts, after the first render.
 */

import type { LoadRunState } from '../../../protocol/load-run-view.ts';
import * as fmt from '../format.ts';
import { LoadChart } from './load-chart.tsx';
import { LoadProgress } from './load-progress.tsx';
import { LoadResultTable } from './load-result-table.tsx';
import { LoadRunCaption } from './load-run-caption.tsx';
import { LoadRunForm } from './load-run-form.tsx';
import { isActive } from './load-run-watch.ts';
import { useLoadRun } from './use-load-run.ts';
import './load-run.css';

const STATE_WORDS: Record<LoadRunState, string> = {
  idle: 'no run yet',
  starting: 'starting the clients…',
  running: 'running',
  finished: 'finished',
  failed: 'failed',
  stopped: 'stopped',
};

export function LoadPanel({ presenter = false }: { presenter?: boolean }) {
  const { state: watched, watch } = useLoadRun();
  const { run, error, sending } = watched;
  const state = run?.state ?? 'idle';
  const active = isActive(run?.state);
  return (
    <section className="load panel" aria-label="Load run" data-panel="load">
      <div className="panel-head">
        <h2>Load run</h2>
        <span className={`pill pill-load-${state}`} data-load="state" data-state={state}>
          {STATE_WORDS[state]}
        </span>
      </div>
      <p className="muted load-why">
        Put the lab under load: virtual clients — the same client code as this page — run by the load generator in a
        process of its own on the lab's machine, so the lab's CPU and memory below are the lab's alone. The lab counts
        them apart from this page's own clients (<code>load</code> in <code>/api/metrics</code>): the columns above
        still show only yours.
      </p>
      <LoadRunForm
        active={active}
        sending={sending}
        onStart={(request) => void watch.begin(request)}
        onStop={() => void watch.end()}
      />
      {error && (
        <div className="control-error" role="alert" data-load="refused">
          <strong>{error.message}</strong>
          {error.hint && <span> — {error.hint}</span>}
          <button type="button" onClick={() => watch.dismissError()} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
      {run?.error && (
        <p className="column-error" data-load="error">
          The run failed: {run.error.code ? `${run.error.code}: ` : ''}
          {run.error.message}
          {run.error.hint ? ` — ${run.error.hint}` : ''}
        </p>
      )}
      {run && run.state !== 'idle' && run.settings && (
        <>
          <LoadRunCaption run={run} />
          <LoadProgress run={run} durationS={run.settings.durationS} transports={run.settings.transports} />
          <div className="load-charts">
            <LoadChart
              title="Messages per second"
              hint="Events the run's clients received per second, per transport (a 2-second average)."
              samples={run.samples}
              pick={(s) => s.messagesPerSecond}
              transports={run.settings.transports}
              durationS={run.settings.durationS}
              presenter={presenter}
              format={fmt.rate}
            />
            <LoadChart
              title="Connected clients"
              hint="The run's clients with an open connection (a long poll counts once answered)."
              samples={run.samples}
              pick={(s) => s.connected}
              transports={run.settings.transports}
              durationS={run.settings.durationS}
              presenter={presenter}
              format={fmt.count}
              integers
            />
          </div>
        </>
      )}
      {run?.result && run.settings && <LoadResultTable run={run} transports={run.settings.transports} />}
    </section>
  );
}
