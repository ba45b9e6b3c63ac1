import type { TransportName } from '../../../protocol/feed-event.ts';
import { TRANSPORT_LOOK } from '../palette.ts';

/** A small square in the transport's colour, beside its name. */
export function TransportSwatch({ transport }: { transport: TransportName }) {
  return <span className="swatch" style={{ background: TRANSPORT_LOOK[transport].colour }} aria-hidden="true" />;
}
