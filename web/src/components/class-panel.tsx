/**
 * The class at a glance, on the teacher's page only (it holds the token):
 * how many browsers report, and per transport how their medians and p99s
 * spread, from the best browser to the worst. Students' pages render nothing.
 */

import type { ClassView, Spread } from '../../../protocol/class-report.ts';
import type { TransportName } from '../../../protocol/feed-event.ts';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { ClassSpreadPlot } from './class-spread-plot.tsx';
import { ConditionsBadge } from './conditions-badge.tsx';
import { CONTAINED } from './contained.ts';
import './class-panel.css';

export function ClassPanel({ presenter }: { presenter: boolean }) {
  const teacher = useLab((s) => s.teacher);
  const view = useLab((s) => s.classView);
  if (!teacher) return null;
  const browsers = view?.browsers ?? 0;
  return (
    <section className="class panel" aria-label="The class" data-panel="class" style={CONTAINED}>
      <div className="panel-head">
        <h2>
          The class: <span data-class="browsers">{browsers}</span> {browsers === 1 ? 'browser' : 'browsers'} connected
        </h2>
        <ConditionsBadge />
      </div>
      <p className="muted">
        Every open dashboard reports its own latencies every 2 s. Each bar runs from the class's best browser to its
        worst, the tick marks the class median: solid for the median latency (p50), hollow for p99. Only your page shows
        this: it holds the teacher token.
      </p>
      {view && browsers > 0 ? (
        <>
          <ClassSpreadPlot view={view} presenter={presenter} />
          <ClassTable view={view} />
        </>
      ) : (
        <p>Waiting for the first reports…</p>
      )}
    </section>
  );
}

function ClassTable({ view }: { view: ClassView }) {
  const spread = (s: Spread): string => `${fmt.ms(s.min)} · ${fmt.ms(s.median)} · ${fmt.ms(s.max)}`;
  const rows = TRANSPORTS.flatMap((t) => {
    const figures = view.transports[t];
    return figures ? [[t, figures] as const] : [];
  });
  return (
    <table className="class-table">
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">browsers</th>
          <th scope="col">p50 ms: best · median · worst</th>
          <th scope="col">p99 ms: best · median · worst</th>
          <th scope="col">events, median</th>
          <th scope="col">gaps, most</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([t, figures]: readonly [TransportName, NonNullable<ClassView['transports'][TransportName]>]) => (
          <tr key={t} data-class-transport={t}>
            <th scope="row">{TRANSPORT_LOOK[t].label}</th>
            <td data-class="transport-browsers">{figures.browsers}</td>
            <td>{spread(figures.p50)}</td>
            <td>{spread(figures.p99)}</td>
            <td>{fmt.count(figures.messages.median)}</td>
            <td className={figures.gaps.max > 0 ? 'warn' : ''}>{figures.gaps.max}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
