/** Names the three parts of every bytes-per-event bar once, for views whose bars carry no legend of their own (stage, phone). */
import { BYTE_KINDS, BYTE_LOOK } from '../palette.ts';
import './byte-kind-legend.css';

export function ByteKindLegend() {
  return (
    <ul className="byte-kind-legend" aria-label="The parts of each bytes-per-event bar">
      {BYTE_KINDS.map((kind) => (
        <li key={kind}>
          <span className="swatch" style={{ background: BYTE_LOOK[kind].colour }} />
          {BYTE_LOOK[kind].label}
        </li>
      ))}
    </ul>
  );
}
