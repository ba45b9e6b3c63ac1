/**
 * Which meter readings may move the page's figures. The page reads the meter
 * two ways: the metrics stream, and its own `GET /api/metrics` when one of its
 * changes begins a segment (that reading is the segment's zero). A stream
 * snapshot taken before that reading can arrive after it; applied, it would
 * move the meter back and a segment's figures would go negative (a bar of
 * negative width). Readings carry the lab's time (`t`, ms), so an older one is
 * known and left out.
 */
export class NewestReading {
  private newest = Number.NEGATIVE_INFINITY;

  /** A stream snapshot taken at `t`: true (and it is the newest now) unless one as new was applied. */
  accept(t: number): boolean {
    if (t <= this.newest) return false;
    this.newest = t;
    return true;
  }

  /** The page's own reading at `t`: a stream snapshot of the same millisecond may have been taken before it. */
  acceptOwn(t: number): void {
    this.newest = Math.max(this.newest, t);
  }
}
