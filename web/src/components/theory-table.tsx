/**
 * Theory beside measurement, one row per prediction, formula on hover and in
 * small print. The measured number sits alone in its `data-metric` element
 * (`measured-<key>`), its unit beside it.
 */
import * as fmt from '../format.ts';
import type { Prediction } from '../transports/web-transport.ts';
import './theory-table.css';

function value(v: number, unit: Prediction['unit']): string {
  if (unit === 'ms' || unit === 'B') return fmt.ms(v);
  if (unit === '/s') return fmt.rate(v);
  return String(Math.round(v));
}

const UNIT_TEXT: Record<Prediction['unit'], string> = { ms: ' ms', B: ' B', '/s': '/s', '%': '%' };

/** @param waiting what a measured cell says while there is too little data (or the transport is off) */
export function TheoryTable({
  predictions,
  note,
  waiting,
}: {
  predictions: Prediction[];
  note: string;
  waiting: string;
}) {
  return (
    <table className="theory">
      <caption data-theory="caption">{note}</caption>
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">figure</span>
          </th>
          <th scope="col">theory</th>
          <th scope="col">measured</th>
        </tr>
      </thead>
      <tbody>
        {predictions.map((p) => (
          <tr key={p.key} title={p.detail}>
            <th scope="row">
              {p.label}
              <small>{p.formula}</small>
            </th>
            <td>
              ≈ <span data-metric={`theory-${p.key}`}>{value(p.theory, p.unit)}</span>
              {UNIT_TEXT[p.unit]}
            </td>
            <td>
              {p.measured === null ? (
                waiting
              ) : (
                <>
                  <span data-metric={`measured-${p.key}`}>{value(p.measured, p.unit)}</span>
                  {UNIT_TEXT[p.unit]}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
