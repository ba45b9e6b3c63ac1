/**
 * How each transport and each kind of byte looks, everywhere on the page.
 * Colours are from the Okabe–Ito palette (safe for the common colour-vision
 * deficiencies), and every series also carries its name and a dash pattern,
 * so nothing is told by colour alone.
 */
import { TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';
import { TRANSPORT_RECORDS, type TransportRecord, transportRecord } from '../../protocol/transport-records.ts';

/** How a transport is drawn: the shared record's look (protocol/transport-records.ts), one palette for page, bench and sweep. */
export type TransportLook = Pick<TransportRecord, 'label' | 'short' | 'colour' | 'dash'>;

export const TRANSPORT_LOOK: Record<TransportName, TransportLook> = TRANSPORT_RECORDS;

export type ByteKind = 'header' | 'framing' | 'payload' | 'tls';
export const BYTE_KINDS: readonly ByteKind[] = ['header', 'framing', 'payload', 'tls'];

export const BYTE_LOOK = {
  header: { label: 'HTTP headers', colour: '#D55E00' },
  framing: { label: 'framing', colour: '#F0E442' },
  payload: { label: 'the event itself', colour: '#56B4E9' },
  // Over HTTPS only: handshake, record headers and tags (0 over plain HTTP).
  tls: { label: 'TLS', colour: '#CC79A7' },
} satisfies Record<ByteKind, { label: string; colour: string }>;

export const TRANSPORTS: readonly TransportName[] = TRANSPORT_NAMES;

/**
 * The transport the inspector and the message box show first: the one whose
 * upstream travels on its own connection (its wire has the most to show).
 */
export const SHOWN_FIRST: TransportName =
  TRANSPORTS.find((t) => transportRecord(t).upstream === 'socket') ?? (TRANSPORTS[0] as TransportName);
