/**
 * A chart's frame: title, the network it was measured on, one line on how to
 * read it, a legend that names every series (with its dash pattern, not
 * colour alone), and a PNG download (whose title names the network too).
 */
import { type ReactNode, useRef, useState } from 'react';
import { downloadChartPng, type LegendItem } from '../export.ts';
import { useLab } from '../lab-context.ts';
import { describeConditions } from '../network-caption.ts';
import { ConditionsBadge } from './conditions-badge.tsx';
import { CONTAINED } from './contained.ts';
import './chart-card.css';

interface Props {
  id: string;
  title: string;
  hint: string;
  legend: LegendItem[];
  tools?: ReactNode;
  children: ReactNode;
}

export function ChartCard({ id, title, hint, legend, tools, children }: Props) {
  const body = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const conditions = useLab((s) => describeConditions(s.network, s.route.via));
  const exportPng = (): void => {
    if (!body.current) return;
    downloadChartPng(body.current, `${title} — ${conditions}`, legend, `transport-lab-${id}.png`).then(
      () => setError(null),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  };
  return (
    <figure className="chart-card" data-chart={id} style={CONTAINED}>
      <figcaption>
        <h2>{title}</h2>
        <div className="chart-tools">
          {tools}
          <button type="button" onClick={exportPng} title="Download this chart as a PNG image">
            PNG
          </button>
        </div>
        <div className="chart-conditions">
          <ConditionsBadge />
        </div>
        <p className="muted">{hint}</p>
        <ul className="chart-legend">
          {legend.map((item) => (
            <li key={item.label}>
              <svg width="28" height="12" aria-hidden="true">
                {item.dash === undefined ? (
                  <rect x="6" y="0" width="14" height="12" fill={item.colour} />
                ) : (
                  <line x1="0" y1="6" x2="28" y2="6" stroke={item.colour} strokeWidth="3" strokeDasharray={item.dash} />
                )}
              </svg>
              {item.label}
            </li>
          ))}
        </ul>
      </figcaption>
      <div className="chart-body" ref={body}>
        {children}
      </div>
      {error && <p className="column-error">{error}</p>}
    </figure>
  );
}
