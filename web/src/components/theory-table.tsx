/** Theory beside measurement, one row per prediction, formula on hover and in small print. */
import * as fmt from '../format.ts';
import type { Prediction } from '../predictions.ts';

function show(value: number, unit: Prediction['unit']): string {
  if (unit === 'ms') return `${fmt.ms(value)} ms`;
  if (unit === 'B') return `${fmt.ms(value)} B`;
  if (unit === '/s') return `${fmt.rate(value)}/s`;
  return `${Math.round(value)}%`;
}

export function TheoryTable({ predictions, note }: { predictions: Prediction[]; note: string }) {
  return (
    <table className="theory">
      <caption>{note}</caption>
      <thead>
        <tr>
          <th scope="col" />
          <th scope="col">theory</th>
          <th scope="col">measured</th>
        </tr>
      </thead>
      <tbody>
        {predictions.map((p) => (
          <tr key={p.label} title={p.detail}>
            <th scope="row">
              {p.label}
              <small>{p.formula}</small>
            </th>
            <td>≈ {show(p.theory, p.unit)}</td>
            <td>{p.measured === null ? '–' : show(p.measured, p.unit)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
