/**
 * A scenario as `GET /api/scenarios` lists it: one file of `scenarios/`,
 * checked by server/feed/scenario.ts, with its teaching texts.
 */

export type ScenarioPattern = 'steady' | 'poisson' | 'bursty';
export type PayloadKind = 'ticker' | 'chat' | 'game-state' | 'notification' | 'snapshot' | 'sensor';

export interface ScenarioInfo {
  /** kebab-case, equals the file name without `.json`. */
  id: string;
  /** Short human name, e.g. "Stock ticker". */
  title: string;
  /** One line: what the scenario simulates. */
  summary: string;
  /** The teaching text: what to notice when comparing the transports. */
  notice: string;
  /** Mean events per second, > 0 and <= 1000. */
  ratePerSecond: number;
  /** How events are spaced in time; see server/feed/scenario-generator.ts. */
  pattern: ScenarioPattern;
  /** bursty only (and required there): events per burst, integer 2..100. */
  burstSize?: number;
  payload: {
    kind: PayloadKind;
    /**
     * Target size in bytes of the serialized `data` (JSON text), or, when
     * `binary`, the exact raw byte count. Integer 1..1_048_576.
     */
    bytes: number;
    /** Raw bytes instead of JSON; only for kind "sensor". Default false. */
    binary?: boolean;
  };
  /** 1..50 distinct non-empty topic names. */
  topics: string[];
  /**
   * Upstream messages per second that each client of a comparison or load run
   * sends, 0..100. the lab fills in the default 0.
   */
  upstreamPerSecond?: number;
}
