/**
 * The feed shared by several lab processes through a Redis Stream (`--redis`).
 *
 * One Lua script per publish keeps one dense global seq (`HINCRBY`) and
 * appends the event under the id `<seq>-0` (`XADD … MAXLEN`), so every
 * instance sees the same seq for the same event. Each instance tails the
 * stream (`XREAD BLOCK`) into its own ring, so the transports' resume, replay
 * and fan-out stay the synchronous code of feed.ts: a client that moves to
 * another instance resumes from that instance's copy of the stream.
 *
 * The epoch lives in Redis too: a restart writes a new one (and drops the
 * stream), and a Redis that lost it (restarted without persistence, flushed)
 * gets a new one from the first instance that notices; every instance then
 * resets its clients ('foreign-epoch').
 */
import { Redis } from 'ioredis';
import type { EventOrigin } from '../../protocol/feed-event.ts';
import { LabErrors } from '../errors.ts';
import { Feed, type FeedSettings, newEpoch } from './feed.ts';
import { type EventBody, type StoredEvent, storeEvent } from './stored-event.ts';

/** Entries taken per XREAD. */
const READ_BATCH = 1000;
/** ms an XREAD waits for new entries before the epoch is checked again (also the longest a restart elsewhere goes unseen). */
const BLOCK_MS = 250;
/** ms between tries while Redis cannot be reached. */
const RETRY_MS = 250;

/**
 * KEYS: meta hash, event stream. ARGV: epoch to use when Redis has none, MAXLEN, t, topic, payload kind
 * ('d' JSON data, 'x' base64 binary), payload, origin JSON or ''. Returns { epoch, seq }.
 */
const PUBLISH_SCRIPT = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 's', 0)
end
local seq = redis.call('HINCRBY', KEYS[1], 's', 1)
local fields = {'e', epoch, 't', ARGV[3], 'p', ARGV[4], ARGV[5], ARGV[6]}
if ARGV[7] ~= '' then
  table.insert(fields, 'o')
  table.insert(fields, ARGV[7])
end
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], seq .. '-0', unpack(fields))
return {epoch, seq}
`;

/** KEYS: meta hash, event stream. ARGV: the epoch to use when Redis has none. Returns the epoch in Redis. */
const ENSURE_EPOCH_SCRIPT = `
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if epoch then return epoch end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 's', 0)
return ARGV[1]
`;

/** KEYS: meta hash, event stream. ARGV: the new epoch. */
const RESTART_SCRIPT = `
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 's', 0)
return ARGV[1]
`;

export interface RedisFeedOptions {
  /** A redis:// URL, e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** @default 'transport-lab:' prefix of the keys (`<prefix>meta`, `<prefix>events`), so labs can share a Redis */
  keyPrefix: string;
}

type StreamEntry = [id: string, fields: string[]];

export class RedisFeed extends Feed {
  /** Publishes, scripts and the epoch check; in order on one connection, so a restart is seen before the next check. */
  private readonly commands: Redis;
  /** Only the blocking XREAD: a blocked connection can carry nothing else. */
  private readonly reader: Redis;
  private readonly keys: { meta: string; events: string };
  /** The last stream id this instance has read. */
  private lastId = '0-0';
  private tailing = false;
  private tailLoop: Promise<void> = Promise.resolve();
  /** Generated events Redis did not take (it was unreachable); shown nowhere else, so kept for tests and logs. */
  failedPublishes = 0;

  private constructor(
    settings: FeedSettings,
    private readonly clock: () => number,
    private readonly maxLength: number,
    options: RedisFeedOptions,
  ) {
    super(settings, clock, maxLength);
    const connection = { lazyConnect: true, maxRetriesPerRequest: 2, retryStrategy: () => RETRY_MS };
    this.commands = new Redis(options.url, connection);
    this.reader = new Redis(options.url, connection);
    // Connection errors surface on the commands that fail; without a listener ioredis would print each one.
    this.commands.on('error', () => {});
    this.reader.on('error', () => {});
    this.keys = { meta: `${options.keyPrefix}meta`, events: `${options.keyPrefix}events` };
  }

  /**
   * Connects, takes the epoch from Redis (or puts one there) and reads the stream so far, so the lab
   * can resume any client from the moment it listens.
   * @param maxLength events the stream keeps (MAXLEN, the lab's bufferSize); the instance's ring keeps as many
   * @throws LAB_ERR_BAD_REDIS when Redis cannot be reached
   */
  static async open(
    settings: FeedSettings,
    now: () => number,
    maxLength: number,
    options: RedisFeedOptions,
  ): Promise<RedisFeed> {
    const feed = new RedisFeed(settings, now, maxLength, options);
    try {
      await Promise.all([feed.commands.connect(), feed.reader.connect()]);
      feed.adopt(await feed.ensureEpoch());
      await feed.catchUp();
    } catch (error) {
      feed.commands.disconnect();
      feed.reader.disconnect();
      throw LabErrors.BAD_REDIS(`Redis at ${redactedUrl(options.url)} cannot be used: ${(error as Error).message}`);
    }
    feed.tailing = true;
    feed.tailLoop = feed.tail();
    return feed;
  }

  /** Events get their seq in Redis: use publishShared. */
  override publish(_body: EventBody, _origin?: EventOrigin): StoredEvent {
    throw new Error('a feed shared through Redis assigns seq in Redis: call publishShared');
  }

  /**
   * Appends the event to the stream; every instance (this one too) delivers it when it reads it back.
   * @throws LAB_ERR_FEED_UNAVAILABLE when Redis does not take it
   */
  override async publishShared(body: EventBody, origin?: EventOrigin): Promise<StoredEvent> {
    const t = this.clock();
    const [kind, payload] =
      'binary' in body ? ['x', Buffer.from(body.binary).toString('base64')] : ['d', JSON.stringify(body.data)];
    let reply: [string, number];
    try {
      reply = (await this.commands.eval(
        PUBLISH_SCRIPT,
        2,
        this.keys.meta,
        this.keys.events,
        newEpoch(),
        String(this.maxLength),
        String(t),
        body.topic,
        kind,
        payload ?? 'null',
        origin ? JSON.stringify(origin) : '',
      )) as [string, number];
    } catch (error) {
      throw LabErrors.FEED_UNAVAILABLE((error as Error).message);
    }
    return storeEvent(reply[0], Number(reply[1]), t, body, origin);
  }

  /** A new epoch for every instance: this one resets its clients now, the others when they next check (≤ 250 ms). */
  override restart(): void {
    const epoch = newEpoch();
    this.adopt(epoch);
    this.commands.eval(RESTART_SCRIPT, 2, this.keys.meta, this.keys.events, epoch).catch(() => {
      // Redis is away: the epoch check renews the epoch once it is back.
    });
  }

  /** Stops tailing and closes both connections (the lab's onClose). */
  async close(): Promise<void> {
    this.stop();
    this.tailing = false;
    this.reader.disconnect();
    await this.tailLoop;
    await this.commands.quit().catch(() => this.commands.disconnect());
  }

  protected override publishGenerated(body: EventBody): void {
    this.publishShared(body).catch(() => {
      this.failedPublishes += 1;
    });
  }

  private async ensureEpoch(): Promise<string> {
    return (await this.commands.eval(ENSURE_EPOCH_SCRIPT, 2, this.keys.meta, this.keys.events, newEpoch())) as string;
  }

  /** Switches this instance to `epoch`: an empty ring, seq from 0, the stream read again, open clients told. */
  private adopt(epoch: string): void {
    const changed = epoch !== this.epoch;
    this.epoch = epoch;
    this.newestSeq = 0;
    this.ring.clear();
    this.lastId = '0-0';
    if (changed) for (const listener of this.epochListeners) listener(epoch);
  }

  /** Reads the whole stream without blocking (at start, before the lab listens). */
  private async catchUp(): Promise<void> {
    for (;;) {
      const entries = (await this.commands.xrange(
        this.keys.events,
        `(${this.lastId}`,
        '+',
        'COUNT',
        READ_BATCH,
      )) as StreamEntry[];
      if (entries.length === 0) return;
      this.take(entries);
      if (entries.length < READ_BATCH) return;
    }
  }

  private async tail(): Promise<void> {
    while (this.tailing) {
      try {
        const reply = (await this.reader.xread(
          'COUNT',
          READ_BATCH,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          this.keys.events,
          this.lastId,
        )) as [string, StreamEntry[]][] | null;
        if (!this.tailing) return;
        if (reply) for (const [, entries] of reply) this.take(entries);
        // After the read: a restart elsewhere (or a Redis that lost its data) shows here.
        const epoch = await this.ensureEpoch();
        if (epoch !== this.epoch) this.adopt(epoch);
      } catch {
        if (!this.tailing) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** Delivers entries of the current epoch in seq order; others belong to an epoch this instance has left. */
  private take(entries: StreamEntry[]): void {
    for (const [id, list] of entries) {
      const fields = fieldMap(list);
      if (fields.e !== this.epoch) continue;
      const seq = Number.parseInt(id, 10);
      this.lastId = id;
      if (seq <= this.newestSeq) continue;
      // A gap: the stream was trimmed past what this instance had read. Older positions then get 'too-old'.
      if (seq !== this.newestSeq + 1) this.ring.clear();
      this.newestSeq = seq;
      this.deliver(storeEvent(this.epoch, seq, Number(fields.t), bodyOf(fields), originOf(fields)));
    }
  }
}

function fieldMap(list: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) fields[list[i] as string] = list[i + 1] as string;
  return fields;
}

function bodyOf(fields: Record<string, string>): EventBody {
  const topic = fields.p ?? '';
  if (fields.x !== undefined) return { topic, binary: Buffer.from(fields.x, 'base64') };
  return { topic, data: JSON.parse(fields.d ?? 'null') };
}

function originOf(fields: Record<string, string>): EventOrigin | undefined {
  return fields.o === undefined ? undefined : (JSON.parse(fields.o) as EventOrigin);
}

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
