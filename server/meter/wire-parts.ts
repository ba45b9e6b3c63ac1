/**
 * The pieces the wire inspector shows an event in. Each transport splits its
 * own events (the splitter sits in its own file, beside the code that frames
 * them); these are the parts they are built from.
 */
import type { WirePart } from '../../protocol/wire-sample.ts';
import type { StoredEvent } from '../feed/stored-event.ts';

/** What surrounded the event in a poll answer: the envelope before it, and the events after it. */
export interface PollSurroundings {
  prefix: string;
  /** Events in the answer after the first. */
  others: number;
  /** Their JSON bytes together. */
  othersBytes: number;
}

/** How a transport splits one sent event (with its answer's surroundings, for a poll) into annotated parts. */
export type EventSplitter = (event: StoredEvent, poll: PollSurroundings | null) => WirePart[];

/** Characters of an event's JSON the inspector shows; the byte count is always whole. */
const PREVIEW_CHARS = 2_000;

/** The event's JSON, as every transport carries it. */
export function payloadPart(event: StoredEvent): WirePart {
  const text = event.json.toString();
  return {
    kind: 'payload',
    label: `the event (seq ${event.seq}), serialized once and sent as is`,
    bytes: event.json.length,
    text: text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text,
  };
}

/** A part that is text on the wire: its bytes counted as UTF-8. */
export function textPart(kind: WirePart['kind'], label: string, text: string): WirePart {
  return { kind, label, bytes: Buffer.byteLength(text), text };
}
