/**
 * How each transport and each kind of byte looks, everywhere on the page.
 * Colours are from the Okabe–Ito palette (safe for the common colour-vision
 * deficiencies), and every series also carries its name and a dash pattern,
 * so nothing is told by colour alone.
 */
import { TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';

export interface TransportLook {
  /** Plain-words name shown on columns, legends and line labels. */
  label: string;
  /** Short name for tight places (chart axes). */
  short: string;
  colour: string;
  /** SVG stroke-dasharray for lines; '' is solid. */
  dash: string;
}

export const TRANSPORT_LOOK = {
  'short-poll': { label: 'Short polling', short: 'Short poll', colour: '#E69F00', dash: '' },
  'long-poll': { label: 'Long polling', short: 'Long poll', colour: '#0072B2', dash: '8 4' },
  sse: { label: 'Server-Sent Events', short: 'SSE', colour: '#009E73', dash: '2 3' },
  websocket: { label: 'WebSocket', short: 'WebSocket', colour: '#CC79A7', dash: '10 3 2 3' },
} satisfies Record<TransportName, TransportLook>;

export type ByteKind = 'header' | 'framing' | 'payload';
export const BYTE_KINDS: readonly ByteKind[] = ['header', 'framing', 'payload'];

export const BYTE_LOOK = {
  header: { label: 'HTTP headers', colour: '#D55E00' },
  framing: { label: 'framing', colour: '#F0E442' },
  payload: { label: 'the event itself', colour: '#56B4E9' },
} satisfies Record<ByteKind, { label: string; colour: string }>;

export const TRANSPORTS: readonly TransportName[] = TRANSPORT_NAMES;
