/** A finished run's figures per transport, and the lab's CPU and memory while every client was connected. */
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { LoadRunView } from '../../../protocol/load-run-view.ts';
import * as fmt from '../format.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { TransportSwatch } from './transport-swatch.tsx';

export function LoadResultTable({ run, transports }: { run: LoadRunView; transports: TransportName[] }) {
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
                  <TransportSwatch transport={t} /> {TRANSPORT_LOOK[t].label}
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
