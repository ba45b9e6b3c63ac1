/**
 * Live progress of a load run on stderr: a bar redrawn in place on a
 * terminal, plain lines now and then when stderr is a file or a pipe (CI
 * logs must not fill with carriage returns); or, for programs, JSON lines.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import type { JsonProgressLine, JsonProgressTransport, TransportCounts } from '../protocol/load-progress-line.ts';
import type { RunProgress } from './load-run.ts';

const BAR_WIDTH = 24;

export class ProgressDisplay {
  private lastMessages = 0;
  private lastAt = 0;
  private messagesPerSecond = 0;
  private lastLineAt = Number.NEGATIVE_INFINITY;
  private drawn = false;

  /**
   * @param label prefix of every line, e.g. `websocket 2000`
   * @param lineEveryS=5 seconds between plain lines when not a terminal
   */
  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label = '',
    private readonly lineEveryS = 5,
  ) {}

  update(progress: RunProgress): void {
    const totals = sum(progress.transports);
    if (totals.clients === 0) return; // the workers have not reported yet
    const now = Date.now();
    // Messages per second over the last second or so, smoothed enough to read.
    if (this.lastAt === 0) {
      this.lastAt = now;
      this.lastMessages = totals.messages;
    } else if (now - this.lastAt >= 1000) {
      this.messagesPerSecond = ((totals.messages - this.lastMessages) * 1000) / (now - this.lastAt);
      this.lastAt = now;
      this.lastMessages = totals.messages;
    }
    const text =
      `${this.label ? `${this.label}  ` : ''}${Math.floor(progress.elapsedS)}/${progress.durationS} s ${progress.phase}  ` +
      `connected ${totals.open.toLocaleString('en-US')}/${totals.clients.toLocaleString('en-US')}  ` +
      `${Math.round(this.messagesPerSecond).toLocaleString('en-US')} msgs/s  ` +
      `errors ${totals.errors.toLocaleString('en-US')}  reconnects ${totals.reconnects.toLocaleString('en-US')}`;
    if (this.stream.isTTY) {
      const filled = Math.round((progress.elapsedS / progress.durationS) * BAR_WIDTH);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(Math.max(0, BAR_WIDTH - filled))}]`;
      const line = `${bar} ${text}`.slice(0, Math.max(20, (this.stream.columns || 120) - 1));
      this.stream.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (progress.elapsedS - this.lastLineAt >= this.lineEveryS) {
      this.lastLineAt = progress.elapsedS;
      this.stream.write(`${text}\n`);
    }
  }

  /** Ends the bar's line (terminal) so what follows starts on a fresh line. */
  finish(note?: string): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    if (note) this.stream.write(`${note}\n`);
    this.drawn = false;
  }
}

/** One transport in a `--progress-json` line: the workers' counts and the recent delivery rate. */
/** How far back the rates of `--progress-json` look, ms: the workers' counts move in 1-second steps, each worker on its own beat. */
const RATE_WINDOW_MS = 2000;

/**
 * `--progress-json`: one JSON line per second on stdout (and one whenever a
 * transport's open count changed, at most as often as `update` is called), then the result, for
 * a program that runs the load generator as its child (the lab's load
 * control). Nothing else may go to that stream.
 */
export class JsonProgress {
  private lastLineAt = 0;
  private lastOpens = '';
  private readonly history: { at: number; messages: Partial<Record<TransportName, number>> }[] = [];

  /** @param everyMs=1000 ms between progress lines while no open count changes */
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly runId: string,
    private readonly everyMs = 1000,
  ) {}

  update(progress: RunProgress): void {
    const now = Date.now();
    // A client opening or dropping is news at once (the page shows who is connected, and a caller may wait for
    // it): with a line only every second, clients that take two round trips to open (Socket.IO's handshake)
    // showed as open a whole second late. The counts are the workers' newest, as often as update() is called.
    const opens = JSON.stringify(Object.entries(progress.transports).map(([name, counts]) => [name, counts.open]));
    if (now - this.lastLineAt < this.everyMs && opens === this.lastOpens) return;
    this.lastLineAt = now;
    this.lastOpens = opens;
    const messages: Partial<Record<TransportName, number>> = {};
    for (const [name, counts] of Object.entries(progress.transports) as [TransportName, TransportCounts][])
      messages[name] = counts.messages;
    while (this.history.length > 1 && now - (this.history[1]?.at ?? now) >= RATE_WINDOW_MS) this.history.shift();
    const from = this.history[0];
    this.history.push({ at: now, messages });
    const transports: Partial<Record<TransportName, JsonProgressTransport>> = {};
    for (const [name, counts] of Object.entries(progress.transports) as [TransportName, TransportCounts][]) {
      const seconds = from ? (now - from.at) / 1000 : 0;
      const rate = from && seconds > 0 ? (counts.messages - (from.messages[name] ?? 0)) / seconds : null;
      transports[name] = { ...counts, messagesPerSecond: rate === null ? null : Math.round(rate * 10) / 10 };
    }
    const line: JsonProgressLine = {
      type: 'progress',
      runId: this.runId,
      elapsedS: Math.round(progress.elapsedS * 100) / 100,
      durationS: progress.durationS,
      phase: progress.phase,
      transports,
    };
    this.stream.write(`${JSON.stringify(line)}\n`);
  }

  /** The last line: the report `--json` writes. */
  result(report: unknown): void {
    this.stream.write(`${JSON.stringify({ type: 'result', report })}\n`);
  }
}

/** Seconds between plain progress lines for a run of `durationS`: about ten lines, 1–10 s apart. */
export function lineEveryS(durationS: number): number {
  return Math.min(10, Math.max(1, Math.round(durationS / 10)));
}

function sum(transports: Partial<Record<TransportName, TransportCounts>>): TransportCounts {
  const out: TransportCounts = { clients: 0, open: 0, messages: 0, errors: 0, reconnects: 0 };
  for (const counts of Object.values(transports)) {
    out.clients += counts.clients;
    out.open += counts.open;
    out.messages += counts.messages;
    out.errors += counts.errors;
    out.reconnects += counts.reconnects;
  }
  return out;
}
