/**
 * Where a polling client without a position starts. Its first request names
 * "from now" only on the server, and only its answer tells the client: if that
 * answer is lost (a cut, a dropped connection), a retry without `since` would
 * start from a later "now" and silently skip what fell between. So until it
 * has a position, the client sends the same `start` token on every retry, and
 * the first request with a token fixes the position the later ones resume from.
 * SSE and WebSocket do not need it (their hello carries the position), nor
 * Socket.IO (its open packet's sid does).
 */
import type { ResumePoint } from '../feed/feed.ts';

/** How long a start is kept (ms): well beyond any retry's backoff. */
const KEEP_MS = 120_000;
/** At most this many starts are kept; the oldest go first (a client ahead of them starts from its own "now"). */
const MAX_STARTS = 10_000;

export class PollStarts {
  /** In insertion order, so the oldest is first. */
  private readonly starts = new Map<string, { point: { since: number; epoch: string }; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The point a request resumes from: its own `since`/`epoch` when it has them, else the position its
   * `start` token was first seen at (`now`, the feed's newest seq and epoch), else "from now".
   */
  pointFor(query: ResumePoint & { start?: string | undefined }, newestSeq: number, epoch: string): ResumePoint {
    if (query.since !== undefined || query.start === undefined) return query;
    const time = this.now();
    this.forgetOld(time);
    const known = this.starts.get(query.start);
    if (known) return known.point;
    const point = { since: newestSeq, epoch };
    this.starts.set(query.start, { point, at: time });
    if (this.starts.size > MAX_STARTS) this.starts.delete(this.starts.keys().next().value as string);
    return point;
  }

  /** How many starts are kept now (for the bound's test). */
  get size(): number {
    return this.starts.size;
  }

  private forgetOld(time: number): void {
    for (const [token, start] of this.starts) {
      if (time - start.at < KEEP_MS) break;
      this.starts.delete(token);
    }
  }
}
