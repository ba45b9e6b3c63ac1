/**
 * The body of `POST /api/load`, checked once: a load run from the dashboard
 * is bounded (clients, duration) so one click cannot take the machine down,
 * and every mistake is a LAB_ERR_BAD_LOAD_RUN naming the field.
 */
import { isTransportName, TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';
import type { LoadRunSettings } from '../../protocol/load-run-view.ts';
import { LabErrors } from '../errors.ts';

/** Most virtual clients per transport from the dashboard: 4 × 2,500 sockets on each side of loopback. */
export const MAX_DASHBOARD_CLIENTS = 2500;
/** Longest run from the dashboard, s. */
export const MAX_DASHBOARD_DURATION_S = 600;

const KEYS = ['clientsPerTransport', 'durationS', 'transports', 'ratePerSecond', 'rampS'];

export function parseLoadRunRequest(body: unknown): LoadRunSettings {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw LabErrors.BAD_LOAD_RUN('send a JSON object such as {"clientsPerTransport":10,"durationS":30}');
  }
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!KEYS.includes(key)) throw LabErrors.BAD_LOAD_RUN(`unknown field "${key}"; allowed: ${KEYS.join(', ')}`);
  }
  if (fields.clientsPerTransport === undefined) throw LabErrors.BAD_LOAD_RUN('"clientsPerTransport" is required');
  if (fields.durationS === undefined) throw LabErrors.BAD_LOAD_RUN('"durationS" is required');
  const clientsPerTransport = wholeNumber(fields.clientsPerTransport, 'clientsPerTransport', 1, MAX_DASHBOARD_CLIENTS);
  const durationS = wholeNumber(fields.durationS, 'durationS', 1, MAX_DASHBOARD_DURATION_S);
  const rampS = fields.rampS === undefined ? 0 : wholeNumber(fields.rampS, 'rampS', 0, MAX_DASHBOARD_DURATION_S);
  if (rampS > 0 && rampS >= durationS) {
    throw LabErrors.BAD_LOAD_RUN(
      `"rampS" (${rampS}) must be shorter than "durationS" (${durationS}): the run needs a steady part to measure`,
    );
  }
  let ratePerSecond: number | null = null;
  if (fields.ratePerSecond !== undefined) {
    const rate = fields.ratePerSecond;
    if (typeof rate !== 'number' || !(rate >= 0.001 && rate <= 1000)) {
      throw LabErrors.BAD_LOAD_RUN(`"ratePerSecond" must be a number from 0.001 to 1000 (got ${show(rate)})`);
    }
    ratePerSecond = rate;
  }
  return { clientsPerTransport, durationS, transports: transportList(fields.transports), ratePerSecond, rampS };
}

function transportList(value: unknown): TransportName[] {
  if (value === undefined) return [...TRANSPORT_NAMES];
  const expected = `"transports" must be a non-empty list of ${TRANSPORT_NAMES.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) throw LabErrors.BAD_LOAD_RUN(`${expected} (got ${show(value)})`);
  for (const name of value) {
    if (!isTransportName(name)) throw LabErrors.BAD_LOAD_RUN(`${expected}; ${show(name)} is not one`);
  }
  if (new Set(value).size !== value.length) throw LabErrors.BAD_LOAD_RUN(`${expected}, each once`);
  // In the lab's order, whatever order they came in: tables and charts line up with the page's columns.
  return TRANSPORT_NAMES.filter((name) => value.includes(name));
}

function wholeNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw LabErrors.BAD_LOAD_RUN(`"${name}" must be a whole number from ${min} to ${max} (got ${show(value)})`);
  }
  return value;
}

/** A bad value for a message: JSON, cut short (a body may be 64 KiB). */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
