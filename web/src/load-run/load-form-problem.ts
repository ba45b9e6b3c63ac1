/** The load-run form's validation: what is wrong with what was typed, in words, or the request to send. */
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { LoadRunRequest } from '../../../protocol/load-run-view.ts';

/** Clients per transport, at most (the lab refuses more). */
export const MAX_CLIENTS = 2500;
/** Seconds a run may last, at most. */
export const MAX_DURATION_S = 600;

export type LoadFormCheck = { ok: true; request: LoadRunRequest } | { ok: false; problem: string };

/** @param clientsText,durationText the fields as typed; @param transports the ticked transports */
export function checkLoadForm(clientsText: string, durationText: string, transports: TransportName[]): LoadFormCheck {
  const clients = wholeIn(clientsText, 1, MAX_CLIENTS);
  const duration = wholeIn(durationText, 1, MAX_DURATION_S);
  if (clients === null)
    return { ok: false, problem: `Clients per transport: a whole number from 1 to ${MAX_CLIENTS}.` };
  if (duration === null) {
    return { ok: false, problem: `Duration: a whole number of seconds from 1 to ${MAX_DURATION_S}.` };
  }
  if (transports.length === 0) return { ok: false, problem: 'Choose at least one transport.' };
  return { ok: true, request: { clientsPerTransport: clients, durationS: duration, transports } };
}

/** A whole number min…max typed in a field, or null while it is not one. */
function wholeIn(text: string, min: number, max: number): number | null {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  return value >= min && value <= max ? value : null;
}
