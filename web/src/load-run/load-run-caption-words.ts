/**
 * When a load run ran and with which settings, in words: a result read from
 * an earlier run (another page's, or before a reload) must say what it
 * measured, or it passes for a run of the conditions on screen now.
 */
import type { LoadRunView } from '../../../protocol/load-run-view.ts';
import * as fmt from '../format.ts';
import { TRANSPORT_LOOK } from '../palette.ts';
import { isActive } from './load-run-watch.ts';

/** "just now", "45 s ago", "12 min ago", "3 h ago", "2 days ago". */
export function timeAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.round(h / 24)} days ago`;
}

/** The clock time of `ms` in this browser's locale, with the date when it is not today. */
export function clockTime(ms: number, nowMs: number): string {
  const at = new Date(ms);
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return at.toDateString() === new Date(nowMs).toDateString() ? time : `${at.toLocaleDateString()} ${time}`;
}

/** The run's settings: "2 clients per transport for 3 s, all at once, at the feed's own rate; Short polling, …". */
export function settingsWords(settings: NonNullable<LoadRunView['settings']>): string {
  const clients = `${fmt.count(settings.clientsPerTransport)} ${settings.clientsPerTransport === 1 ? 'client' : 'clients'} per transport`;
  const ramp = settings.rampS > 0 ? `started over ${settings.rampS} s` : 'all started at once';
  const rate =
    settings.ratePerSecond === null ? "at the feed's own rate" : `at ${fmt.rate(settings.ratePerSecond)} events/s`;
  const transports = settings.transports.map((t) => TRANSPORT_LOOK[t].label).join(', ');
  return `${clients} for ${fmt.count(settings.durationS)} s, ${ramp}, ${rate}; ${transports}`;
}

/** The caption's words, or null before any run. */
export function loadRunCaption(run: LoadRunView, nowMs: number): string | null {
  if (!run.settings || run.startedAt === null) return null;
  const started = `${clockTime(run.startedAt, nowMs)} (${timeAgo(run.startedAt, nowMs)})`;
  const when = isActive(run.state) ? `Running since ${started}` : `Ran at ${started}`;
  return `${when}: ${settingsWords(run.settings)}.`;
}
