/**
 * The class view on the wire: what each page reports (`POST /api/class/report`)
 * and how the class's figures spread (`GET /api/class`). Written by the page
 * (web/src/class-report.ts) and the lab (server/api/class-routes.ts).
 */
import type { TransportName } from './feed-event.ts';

/** One page's figures for one transport: latency percentiles in ms, counts. */
export interface TransportFigures {
  p50: number;
  p95: number;
  p99: number;
  messages: number;
  gaps: number;
  /**
   * The page's own setting of this transport's client, ms (short poll: its
   * interval; long poll: its timeout), which a page may change for itself;
   * absent for a transport without one.
   */
  settingMs?: number;
}

/** One page's figures (`POST /api/class/report`). */
export interface ClassReport {
  page: string;
  transports: Partial<Record<TransportName, TransportFigures>>;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The pages that ran a transport's client with one setting, and how their figures spread. */
export interface SettingGroup {
  /** The setting they share, ms; null for pages that reported none. */
  settingMs: number | null;
  browsers: number;
  p50: Spread;
  p99: Spread;
}

export interface ClassTransportView {
  /** Pages that reported this transport. */
  browsers: number;
  p50: Spread;
  p95: Spread;
  p99: Spread;
  messages: Spread;
  gaps: Spread;
  /** The same pages by their own setting of this transport's client, most browsers first (one group when all agree). */
  groups: SettingGroup[];
}

export interface ClassView {
  /** Pages that reported in the last 10 s. */
  browsers: number;
  /** Only transports at least one page reported. */
  transports: Partial<Record<TransportName, ClassTransportView>>;
}
