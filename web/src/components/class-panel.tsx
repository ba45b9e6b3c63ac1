/**
 * The class at a glance, on the teacher's page only (it holds the token):
 * how many browsers report, and per transport how their medians and p99s
 * spread, from the best browser to the worst; browsers that changed their
 * own poll interval or long-poll timeout are kept apart and named in words.
 * Students' pages render nothing.
 */

import type { Spread } from '../../../protocol/class-report.ts';
import type { TransportName } from '../../../protocol/feed-event.ts';
import { clientSettingOf, differingSettingsNote, type SpreadLane, spreadLanes } from '../class-setting-lanes.ts';
import * as fmt from '../format.ts';
import { useLab } from '../lab-context.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { ClassSpreadPlot } from './class-spread-plot.tsx';
import { ConditionsBadge } from './conditions-badge.tsx';
import { CONTAINED } from './contained.ts';
import './class-panel.css';

export function ClassPanel({ presenter }: { presenter: boolean }) {
  const teacher = useLab((s) => s.teacher);
  const view = useLab((s) => s.classView);
  const intervalMs = useLab((s) => s.intervalMs);
  const timeoutMs = useLab((s) => s.timeoutMs);
  if (!teacher) return null;
  const browsers = view?.browsers ?? 0;
  const own = (t: TransportName): number | null => clientSettingOf(t, { intervalMs, timeoutMs });
  const lanes = view ? spreadLanes(view, own) : [];
  const notes = differingSettingsNote(lanes, own);
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
          {notes.length > 0 && (
            <ul className="class-differs" data-class-differs-note="">
              {notes.map((note) => (
                <li key={note}>{note}</li>
              ))}
            </ul>
          )}
          <ClassSpreadPlot lanes={lanes} presenter={presenter} />
          <ClassTable lanes={lanes} />
        </>
      ) : (
        <p>Waiting for the first reports…</p>
      )}
    </section>
  );
}

function ClassTable({ lanes }: { lanes: readonly SpreadLane[] }) {
  const spread = (s: Spread): string => `${fmt.ms(s.min)} · ${fmt.ms(s.median)} · ${fmt.ms(s.max)}`;
  const view = useLab((s) => s.classView);
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
        {lanes.map((lane, i) => {
          const whole = view?.transports[lane.transport];
          const first = lanes[i - 1]?.transport !== lane.transport;
          return (
            <tr
              key={`${lane.transport} ${lane.settingMs}`}
              data-class-transport={first ? lane.transport : undefined}
              data-class-differs={lane.differs ? '' : undefined}
            >
              <th scope="row">
                {lane.differs ? '≠ ' : ''}
                {TRANSPORT_LOOK[lane.transport].label}
                {lane.settingText && <span className="muted"> · {lane.settingText}</span>}
              </th>
              <td data-class="transport-browsers">{lane.browsers}</td>
              <td>{spread(lane.p50)}</td>
              <td>{spread(lane.p99)}</td>
              <td>{first && whole ? fmt.count(whole.messages.median) : ''}</td>
              <td className={first && whole && whole.gaps.max > 0 ? 'warn' : ''}>
                {first && whole ? whole.gaps.max : ''}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
