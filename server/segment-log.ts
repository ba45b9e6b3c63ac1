/**
 * The lab's segments (protocol/segment.ts): every control action that
 * changes the conditions goes through `change()`, which ends the current
 * segment at the instant of the change. Watchers (the metrics streams) read
 * their figures just before the change and send them, tagged with the new
 * segment, just after: the page takes that reading as the new segment's zero,
 * exact to the byte, since nothing is published in between.
 */
import type { SegmentConditions, SegmentInfo, SegmentReason } from '../protocol/segment.ts';

/** The feed's position and the conditions, read after a change. */
export type SegmentState = () => { epoch: string; seq: number; conditions: SegmentConditions };

/** Called before a change; the function it returns is called with the new segment after it. */
export type SegmentWatcher = () => (segment: SegmentInfo) => void;

export class SegmentLog {
  private segment: SegmentInfo;
  private readonly watchers = new Set<SegmentWatcher>();

  constructor(
    private readonly state: SegmentState,
    private readonly now: () => number,
  ) {
    this.segment = this.make(1, 'start', 'start');
  }

  get current(): SegmentInfo {
    return this.segment;
  }

  /** Applies `apply` as the start of a new segment; a change that throws starts none. */
  change<T>(reason: SegmentReason, label: string, apply: () => T): T {
    const after = [...this.watchers].map((watch) => watch());
    const result = apply();
    this.segment = this.make(this.segment.id + 1, reason, label);
    for (const send of after) send(this.segment);
    return result;
  }

  watch(watcher: SegmentWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private make(id: number, reason: SegmentReason, label: string): SegmentInfo {
    const { epoch, seq, conditions } = this.state();
    return { id, reason, label, startedAt: this.now(), epoch, seq, conditions };
  }
}
