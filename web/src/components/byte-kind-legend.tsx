/**
 * Names the parts of every bytes-per-event bar once, for views whose bars carry no legend of their
 * own (stage, phone). TLS is named only on a page served over HTTPS: over HTTP that part is always 0.
 */
import { BYTE_KINDS, BYTE_LOOK } from '../palette.ts';
import './byte-kind-legend.css';

export function ByteKindLegend() {
  const overTls = globalThis.location?.protocol === 'https:';
  return (
    <ul className="byte-kind-legend" aria-label="The parts of each bytes-per-event bar">
      {BYTE_KINDS.filter((kind) => kind !== 'tls' || overTls).map((kind) => (
        <li key={kind}>
          <span className="swatch" style={{ background: BYTE_LOOK[kind].colour }} />
          {BYTE_LOOK[kind].label}
        </li>
      ))}
    </ul>
  );
}
