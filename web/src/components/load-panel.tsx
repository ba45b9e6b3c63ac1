/**
 * A load run from the dashboard: virtual clients per transport for a while,
 * run by the load generator in a process of its own on the lab's machine
 * (`POST /api/load`). Shows the run's progress, live charts of its delivery
 * rate and connected clients, and the final table. The lab counts these
 * clients apart (`load` in /api/metrics), so the columns above keep showing
 * this page's own clients. Self-contained: it polls `GET /api/load` about
 * once a second while a run goes, and not at all otherwise.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { ControlError } from '../control-error.ts';
import * as fmt from '../format.ts';
import { LabApi, pageBaseUrl } from '../lab-api.ts';
import type { LoadRunState, LoadRunView, LoadSample, PerTransport } from '../../../protocol/load-run-view.ts';
import { plainLoadRunError } from '../load-run-api.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { teacherToken } from '../teacher-token.ts';

/** How often a running run is read, ms: its progress lines come about once a second. */
const POLL_MS = 1000;
const MAX_CLIENTS = 2500;
const MAX_DURATION_S = 600;

const STATE_WORDS: Record<LoadRunState, string> = {
  idle: 'no run yet',
  starting: 'starting the clients…',
  running: 'running',
  finished: 'finished',
  failed: 'failed',
  stopped: 'stopped',
};

const isActive = (state: LoadRunState | undefined): boolean => state === 'starting' || state === 'running';

export function LoadPanel({ presenter = false }: { presenter?: boolean }) {
  const api = useMemo(() => new LabApi(pageBaseUrl(), teacherToken(window.location.search)), []);
  const [run, setRun] = useState<LoadRunView | null>(null);
  const [clientsText, setClientsText] = useState('10');
  const [durationText, setDurationText] = useState('30');
  const [chosen, setChosen] = useState<Record<TransportName, boolean>>(
    () => Object.fromEntries(TRANSPORTS.map((t) => [t, true])) as Record<TransportName, boolean>,
  );
  const [error, setError] = useState<ControlError | null>(null);
  const [sending, setSending] = useState(false);
  const active = isActive(run?.state);

  // Once on mount: a run someone else started shows here too.
  useEffect(() => {
    api.loadRun().then(setRun, (e: unknown) => setError(plainLoadRunError(e, api.hasToken)));
  }, [api]);

  // While a run goes, about once a second; one read at a time, however slow the lab answers.
  const reading = useRef(false);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (reading.current) return;
      reading.current = true;
      api
        .loadRun()
        .then(setRun, (e: unknown) => setError(plainLoadRunError(e, api.hasToken)))
        .finally(() => {
          reading.current = false;
        });
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [api, active]);

  const transports = TRANSPORTS.filter((t) => chosen[t]);
  const clients = wholeIn(clientsText, 1, MAX_CLIENTS);
  const duration = wholeIn(durationText, 1, MAX_DURATION_S);
  const formProblem =
    clients === null
      ? `Clients per transport: a whole number from 1 to ${MAX_CLIENTS}.`
      : duration === null
        ? `Duration: a whole number of seconds from 1 to ${MAX_DURATION_S}.`
        : transports.length === 0
          ? 'Choose at least one transport.'
          : null;

  const send = (action: () => Promise<LoadRunView>): void => {
    setError(null);
    setSending(true);
    action()
      .then(setRun, (e: unknown) => setError(plainLoadRunError(e, api.hasToken)))
      .finally(() => setSending(false));
  };
  const start = (): void => {
    if (clients === null || duration === null || transports.length === 0) return;
    send(() => api.startLoadRun({ clientsPerTransport: clients, durationS: duration, transports }));
  };

  const state = run?.state ?? 'idle';
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
      <form
        className="load-form"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <label className="number-field">
          <span className="field-label">Clients per transport</span>
          <input
            type="number"
            data-control="load-clients"
            min={1}
            max={MAX_CLIENTS}
            step={1}
            value={clientsText}
            disabled={active}
            onChange={(e) => setClientsText(e.target.value)}
          />
        </label>
        <label className="number-field">
          <span className="field-label">Duration</span>
          <span className="field-input">
            <input
              type="number"
              data-control="load-duration"
              min={1}
              max={MAX_DURATION_S}
              step={1}
              value={durationText}
              disabled={active}
              onChange={(e) => setDurationText(e.target.value)}
            />
            <span className="unit">s</span>
          </span>
        </label>
        <fieldset className="load-transports" disabled={active}>
          <legend>Transports</legend>
          {TRANSPORTS.map((t) => (
            <label key={t} className="load-transport">
              <input
                type="checkbox"
                data-control={`load-transport-${t}`}
                checked={chosen[t]}
                onChange={(e) => setChosen((c) => ({ ...c, [t]: e.target.checked }))}
              />
              <Swatch transport={t} /> {TRANSPORT_LOOK[t].label}
            </label>
          ))}
        </fieldset>
        <div className="buttons">
          <button type="submit" data-control="load-start" disabled={active || sending || formProblem !== null}>
            Start
          </button>
          <button
            type="button"
            data-control="load-stop"
            disabled={!active || sending}
            onClick={() => send(() => api.stopLoadRun())}
          >
            Stop
          </button>
        </div>
        {formProblem && !active && <p className="load-form-problem">{formProblem}</p>}
      </form>
      {error && (
        <div className="control-error" role="alert" data-load="refused">
          <strong>{error.message}</strong>
          {error.hint && <span> — {error.hint}</span>}
          <button type="button" onClick={() => setError(null)} aria-label="Dismiss">
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

function LoadProgress({
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
            <Swatch transport={t} /> {TRANSPORT_LOOK[t].short}:{' '}
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

interface ChartProps {
  title: string;
  hint: string;
  samples: LoadSample[];
  pick: (sample: LoadSample) => PerTransport;
  transports: TransportName[];
  durationS: number;
  presenter: boolean;
  format: (value: number) => string;
  /** Whole numbers only on the y axis (clients). */
  integers?: boolean;
}

/** One line per transport over the run's seconds; no animation, no dots (DESIGN.md). */
const LoadChart = memo(function LoadChart({
  title,
  hint,
  samples,
  pick,
  transports,
  durationS,
  presenter,
  format,
  integers = false,
}: ChartProps) {
  const rows = samples.map((s) => ({ x: Math.min(s.elapsedS, durationS), ...pick(s) }));
  return (
    <figure className="load-chart" data-load-chart={title}>
      <figcaption>
        <h3>{title}</h3>
        <p className="muted">{hint}</p>
        <ul className="chart-legend">
          {transports.map((t) => (
            <li key={t}>
              <svg width="28" height="12" aria-hidden="true">
                <line
                  x1="0"
                  y1="6"
                  x2="28"
                  y2="6"
                  stroke={TRANSPORT_LOOK[t].colour}
                  strokeWidth="3"
                  strokeDasharray={TRANSPORT_LOOK[t].dash}
                />
              </svg>
              {TRANSPORT_LOOK[t].label}
            </li>
          ))}
        </ul>
      </figcaption>
      <div className="chart-body">
        <ResponsiveContainer width="100%" height={presenter ? 260 : 200}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
            <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
            <XAxis
              dataKey="x"
              type="number"
              domain={[0, durationS]}
              tickFormatter={(x: number) => `${x} s`}
              stroke="var(--axis)"
              allowDecimals={false}
            />
            <YAxis
              stroke="var(--axis)"
              tickFormatter={format}
              width={presenter ? 72 : 56}
              domain={[0, 'auto']}
              allowDecimals={!integers}
            />
            <Tooltip
              isAnimationActive={false}
              formatter={(value, name) => [typeof value === 'number' ? format(value) : String(value), String(name)]}
              labelFormatter={(x) => `${fmt.rate(Number(x))} s`}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--line)' }}
            />
            {transports.map((t) => (
              <Line
                key={t}
                dataKey={t}
                name={TRANSPORT_LOOK[t].label}
                type="linear"
                stroke={TRANSPORT_LOOK[t].colour}
                strokeWidth={presenter ? 4 : 2}
                strokeDasharray={TRANSPORT_LOOK[t].dash}
                dot={false}
                activeDot={false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});

function LoadResultTable({ run, transports }: { run: LoadRunView; transports: TransportName[] }) {
  const result = run.result;
  if (!result) return null;
  const { cpuPct, rssMB } = result.server;
  return (
    <div className="load-result" data-load="result">
      <h3>Result</h3>
      <table className="load-table">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">clients</th>
            <th scope="col">latency p50 ms</th>
            <th scope="col">latency p99 ms</th>
            <th scope="col">messages</th>
            <th scope="col">msgs/s</th>
            <th scope="col">errors</th>
            <th scope="col">lost</th>
          </tr>
        </thead>
        <tbody>
          {transports.map((t) => {
            const r = result.transports[t];
            if (!r) return null;
            return (
              <tr key={t} data-load-result={t}>
                <th scope="row">
                  <Swatch transport={t} /> {TRANSPORT_LOOK[t].label}
                </th>
                <td>{fmt.count(r.clients)}</td>
                <td data-metric="latency-p50">{fmt.ms(r.latencyMs.p50)}</td>
                <td data-metric="latency-p99">{fmt.ms(r.latencyMs.p99)}</td>
                <td data-metric="messages">{fmt.count(r.messages)}</td>
                <td>{fmt.rate(r.messagesPerSecond)}</td>
                <td data-metric="errors" className={r.errors > 0 ? 'warn' : ''}>
                  {fmt.count(r.errors)}
                </td>
                <td className={r.lost > 0 ? 'warn' : ''}>{fmt.count(r.lost)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="load-server" data-load="server">
        The lab's process while every client was connected: CPU{' '}
        <strong data-metric="server-cpu">{cpuPct === null ? '–' : `${fmt.rate(cpuPct)} %`}</strong> of one core, memory
        (RSS) <strong data-metric="server-rss">{rssMB === null ? '–' : `${fmt.rate(rssMB)} MB`}</strong>.
      </p>
    </div>
  );
}

function Swatch({ transport }: { transport: TransportName }) {
  return <span className="swatch" style={{ background: TRANSPORT_LOOK[transport].colour }} aria-hidden="true" />;
}

/** A whole number min…max typed in a field, or null while it is not one. */
function wholeIn(text: string, min: number, max: number): number | null {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  return value >= min && value <= max ? value : null;
}
