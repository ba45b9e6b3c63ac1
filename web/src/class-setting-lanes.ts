/**
 * The class spread's rows, grouped by setting: a student may change their own
 * short-poll interval or long-poll timeout, and a browser polling every
 * 250 ms is not measuring what one polling every second is. A transport
 * whose pages all run the teacher's setting is one row, as before; otherwise
 * each setting gets a row of its own, the teacher's first, the others marked
 * as differing, and a sentence says so in words.
 */
import type { ClassView, Spread } from '../../protocol/class-report.ts';
import type { TransportName } from '../../protocol/feed-event.ts';
import * as fmt from './format.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from './palette.ts';
import { WEB_TRANSPORTS } from './transports/web-transport-registry.ts';

/** One row of the spread: a transport's pages, or those of them that share one setting. */
export interface SpreadLane {
  transport: TransportName;
  /** The pages' setting of this transport's client, ms; null for the whole transport (one row). */
  settingMs: number | null;
  /** The setting differs from this page's own. */
  differs: boolean;
  browsers: number;
  p50: Spread;
  p99: Spread;
  /** "interval 250 ms", or null for a row of the whole transport. */
  settingText: string | null;
}

/** What each client setting in ms is called beside its value (the class spread groups by these). */
const SETTING_WORDS = { intervalMs: 'interval', timeoutMs: 'timeout' } as const;

/** `transport`'s client setting when it is one in ms; null for none or another kind (Socket.IO's lane). */
function msSetting(transport: TransportName): keyof typeof SETTING_WORDS | null {
  const setting = WEB_TRANSPORTS[transport].clientSetting;
  return setting !== null && Object.hasOwn(SETTING_WORDS, setting) ? (setting as keyof typeof SETTING_WORDS) : null;
}

/** This page's setting of `transport`'s client, ms (its poll interval, its long-poll timeout); null for none. */
export function clientSettingOf(
  transport: TransportName,
  settings: { intervalMs: number; timeoutMs: number },
): number | null {
  const setting = msSetting(transport);
  return setting === null ? null : settings[setting];
}

/** The words for `transport`'s setting at `ms`, e.g. "interval 250 ms"; null for a transport without a setting. */
export function settingText(transport: TransportName, ms: number): string | null {
  const setting = msSetting(transport);
  return setting === null ? null : `${SETTING_WORDS[setting]} ${fmt.ms(ms)} ms`;
}

/**
 * @param ownSetting this page's setting of a transport's client, ms; null for a transport without one
 */
export function spreadLanes(view: ClassView, ownSetting: (transport: TransportName) => number | null): SpreadLane[] {
  return TRANSPORTS.flatMap((transport): SpreadLane[] => {
    const figures = view.transports[transport];
    if (!figures) return [];
    const own = ownSetting(transport);
    const groups = figures.groups ?? [];
    const allOwn = own === null || groups.every((g) => g.settingMs === null || g.settingMs === own);
    if (allOwn) {
      const { browsers, p50, p99 } = figures;
      return [{ transport, settingMs: null, differs: false, browsers, p50, p99, settingText: null }];
    }
    const ordered = [...groups.filter((g) => g.settingMs === own), ...groups.filter((g) => g.settingMs !== own)];
    return ordered.map((g) => ({
      transport,
      settingMs: g.settingMs,
      differs: g.settingMs !== own,
      browsers: g.browsers,
      p50: g.p50,
      p99: g.p99,
      settingText: g.settingMs === null ? 'setting not reported' : settingText(transport, g.settingMs),
    }));
  });
}

/**
 * One sentence per transport with differing settings, e.g. "2 of 5 browsers
 * run Short polling with an interval of their own (250 ms) instead of your
 * 1,000 ms: their rows are marked ≠."
 */
export function differingSettingsNote(
  lanes: readonly SpreadLane[],
  ownSetting: (transport: TransportName) => number | null,
): string[] {
  return TRANSPORTS.flatMap((transport) => {
    const mine = lanes.filter((l) => l.transport === transport);
    const differing = mine.filter((l) => l.differs);
    const setting = msSetting(transport);
    const own = ownSetting(transport);
    if (differing.length === 0 || setting === null || own === null) return [];
    const count = differing.reduce((sum, l) => sum + l.browsers, 0);
    const total = mine.reduce((sum, l) => sum + l.browsers, 0);
    const values = differing.map((l) => (l.settingMs === null ? 'not reported' : `${fmt.ms(l.settingMs)} ms`));
    return [
      `${count} of ${total} ${total === 1 ? 'browser' : 'browsers'} ${count === 1 ? 'runs' : 'run'} ${TRANSPORT_LOOK[transport].label} with ` +
        `${count === 1 ? 'its' : 'their'} own ${SETTING_WORDS[setting]} (${values.join(', ')}) instead of your ` +
        `${fmt.ms(own)} ms: ${count === 1 ? 'its row is' : 'their rows are'} marked ≠ and kept apart from yours.`,
    ];
  });
}
