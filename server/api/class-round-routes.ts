/**
 * The class predicts: the teacher starts a round for a lesson, every page
 * votes for one of its choices (once per page, changeable until the
 * experiment runs), the teacher's page runs the lesson and reveals the
 * measured answer beside the votes. Lab traffic, in memory only: one round at
 * a time, at most as many votes as the class view keeps pages (500, and 8 per
 * address, loopback exempt); a vote beyond that is refused and nobody's vote
 * is pushed out. Starting, closing the votes, revealing and ending are
 * control actions (the teacher token in LAN mode); voting is not.
 *
 * - `GET /api/class/round[?page=ID]` → the round (`protocol/class-round.ts`);
 * - `POST /api/class/round` `{lesson,claim,question,choices}` → a new round, asking (control);
 * - `POST /api/class/round/vote` `{page,choice}` → the round, with `yourVote`;
 * - `POST /api/class/round/run` → votes closed, running (control);
 * - `POST /api/class/round/reveal` `{verdict,rightChoice,sentence,condition?}` → revealed (control);
 * - `DELETE /api/class/round` → no round (control).
 */
import type { FastifyInstance } from 'fastify';
import type {
  ClassRoundView,
  RoundChoice,
  RoundPhase,
  RoundStart,
  RoundVerdict,
  RoundVote,
} from '../../protocol/class-round.ts';
import { LabErrors } from '../errors.ts';
import { isLoopbackAddress } from '../security/loopback-address.ts';
import type { TransportContext } from '../transports/transport-context.ts';
import { CLASS_MAX_PAGES, CLASS_PAGES_PER_ADDRESS, rejectForbiddenKeys } from './class-routes.ts';

const PAGE_ID = /^[A-Za-z0-9._-]{1,64}$/;
const LESSON_ID = /^[a-z0-9]+(?:-[a-z0-9]+){0,15}$/;
const CHOICE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const VERDICTS = ['holds', 'holds-if', 'does-not-hold'] as const;

interface Round {
  start: RoundStart;
  phase: RoundPhase;
  startedAt: number;
  /** Keyed by address and page id: a vote only ever replaces its own page's. */
  votes: Map<string, { address: string; choice: string }>;
  verdict: RoundVerdict | null;
}

/** The round's state; the routes below only parse and call it. */
export class ClassRoundState {
  private current: Round | null = null;
  private count = 0;

  /**
   * @param exempt addresses without the per-address limit (loopback in the lab); none by default
   * @param maxVotes votes kept in a round, at most; the class view's page limit by default
   * @param votesPerAddress pages one address may vote from; the class view's per-address limit by default
   */
  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly exempt: (address: string) => boolean = () => false,
    private readonly maxVotes = CLASS_MAX_PAGES,
    private readonly votesPerAddress = CLASS_PAGES_PER_ADDRESS,
  ) {}

  /** A new round replaces the one before (its votes are gone with it). */
  start(start: RoundStart): void {
    this.count++;
    this.current = { start, phase: 'asking', startedAt: this.now(), votes: new Map(), verdict: null };
  }

  /** @throws LAB_ERR_ROUND_CLOSED unless a round is asking, LAB_ERR_BAD_ROUND for a choice it lacks, LAB_ERR_ROUND_FULL */
  vote({ page, choice }: RoundVote, address: string): void {
    const round = this.current;
    if (!round) throw LabErrors.ROUND_CLOSED('no round is asking: the teacher has not started one');
    if (round.phase !== 'asking') {
      throw LabErrors.ROUND_CLOSED(`votes are closed: the round is ${round.phase}`);
    }
    if (!round.start.choices.some((c) => c.id === choice)) {
      const ids = round.start.choices.map((c) => c.id).join(', ');
      throw LabErrors.BAD_ROUND(`"choice" must be one of this round's choices: ${ids} (got ${shown(choice)})`);
    }
    const key = `${address} ${page}`;
    if (!round.votes.has(key)) {
      if (round.votes.size >= this.maxVotes) {
        throw LabErrors.ROUND_FULL(`the round already holds ${this.maxVotes} votes, one per page`);
      }
      const own = [...round.votes.values()].filter((v) => v.address === address).length;
      if (!this.exempt(address) && own >= this.votesPerAddress) {
        throw LabErrors.ROUND_FULL(`this address already voted from ${this.votesPerAddress} pages`);
      }
    }
    round.votes.set(key, { address, choice });
  }

  /** Closes the votes: the experiment runs. @throws LAB_ERR_ROUND_CLOSED unless asking */
  run(): void {
    const round = this.current;
    if (round?.phase !== 'asking') {
      throw LabErrors.ROUND_CLOSED(round ? `the round is ${round.phase} already` : 'no round was started');
    }
    round.phase = 'running';
  }

  /** @throws LAB_ERR_ROUND_CLOSED without a round or once revealed, LAB_ERR_BAD_ROUND for a choice it lacks */
  reveal(verdict: RoundVerdict): void {
    const round = this.current;
    if (!round || round.phase === 'revealed') {
      throw LabErrors.ROUND_CLOSED(round ? 'the round is revealed already' : 'no round was started');
    }
    if (verdict.rightChoice !== null && !round.start.choices.some((c) => c.id === verdict.rightChoice)) {
      throw LabErrors.BAD_ROUND(
        `"rightChoice" must be one of this round's choices (got ${shown(verdict.rightChoice)})`,
      );
    }
    round.phase = 'revealed';
    round.verdict = verdict;
  }

  end(): void {
    this.current = null;
  }

  /** @param page with its address: the asking page, whose own vote is `yourVote` */
  view(page: string | null = null, address = ''): ClassRoundView {
    const round = this.current;
    if (!round) {
      return {
        round: this.count,
        lesson: null,
        claim: null,
        question: null,
        phase: null,
        choices: [],
        votes: {},
        answered: 0,
        yourVote: null,
        verdict: null,
        startedAt: null,
      };
    }
    const votes: Record<string, number> = Object.fromEntries(round.start.choices.map((c) => [c.id, 0]));
    for (const { choice } of round.votes.values()) votes[choice] = (votes[choice] ?? 0) + 1;
    return {
      round: this.count,
      lesson: round.start.lesson,
      claim: round.start.claim,
      question: round.start.question,
      phase: round.phase,
      choices: round.start.choices,
      votes,
      answered: round.votes.size,
      yourVote: page === null ? null : (round.votes.get(`${address} ${page}`)?.choice ?? null),
      verdict: round.verdict,
      startedAt: round.startedAt,
    };
  }
}

/** `POST /api/class/round`'s body. @throws LAB_ERR_BAD_ROUND naming the field */
export function parseRoundStart(body: unknown): RoundStart {
  const start = fields(body, ['lesson', 'claim', 'question', 'choices'], []);
  const lesson = text(start.lesson, 'lesson', 80);
  if (!LESSON_ID.test(lesson)) throw LabErrors.BAD_ROUND(`"lesson" must be a lesson id such as "sse-no-binary"`);
  const given = start.choices;
  if (!Array.isArray(given) || given.length < 2 || given.length > 4) {
    throw LabErrors.BAD_ROUND('"choices" must be a list of 2–4 {"id","text"}');
  }
  const choices: RoundChoice[] = given.map((choice, i) => {
    const c = fields(choice, ['id', 'text'], [], `choices[${i}]`);
    const id = text(c.id, `choices[${i}].id`, 40);
    if (!CHOICE_ID.test(id)) throw LabErrors.BAD_ROUND(`"choices[${i}].id" must be 1–40 of a-z0-9- (got ${shown(id)})`);
    return { id, text: text(c.text, `choices[${i}].text`, 200) };
  });
  if (new Set(choices.map((c) => c.id)).size !== choices.length) {
    throw LabErrors.BAD_ROUND('"choices" must have distinct ids');
  }
  return { lesson, claim: text(start.claim, 'claim', 300), question: text(start.question, 'question', 300), choices };
}

/** `POST /api/class/round/vote`'s body. @throws LAB_ERR_BAD_ROUND naming the field */
export function parseRoundVote(body: unknown): RoundVote {
  const vote = fields(body, ['page', 'choice'], []);
  if (typeof vote.page !== 'string' || !PAGE_ID.test(vote.page)) {
    throw LabErrors.BAD_ROUND(`"page" must be a string of 1–64 of A-Za-z0-9._- (got ${shown(vote.page)})`);
  }
  return { page: vote.page, choice: text(vote.choice, 'choice', 40) };
}

/** `POST /api/class/round/reveal`'s body. @throws LAB_ERR_BAD_ROUND naming the field */
export function parseRoundVerdict(body: unknown): RoundVerdict {
  const given = fields(body, ['verdict', 'rightChoice', 'sentence'], ['condition']);
  const verdict = given.verdict;
  if (verdict !== null && !VERDICTS.includes(verdict as (typeof VERDICTS)[number])) {
    throw LabErrors.BAD_ROUND(`"verdict" must be one of ${VERDICTS.join(', ')} or null (got ${shown(verdict)})`);
  }
  const rightChoice = given.rightChoice === null ? null : text(given.rightChoice, 'rightChoice', 40);
  if ((verdict === null) !== (rightChoice === null)) {
    throw LabErrors.BAD_ROUND('"rightChoice" is null exactly when "verdict" is (a run without a verdict)');
  }
  const out: RoundVerdict = {
    verdict: verdict as RoundVerdict['verdict'],
    rightChoice,
    sentence: text(given.sentence, 'sentence', 600),
  };
  if (given.condition !== undefined) out.condition = text(given.condition, 'condition', 300);
  return out;
}

/** The object's fields, every required one present and nothing unknown. */
function fields(
  value: unknown,
  required: readonly string[],
  optional: readonly string[],
  where = 'the body',
): Record<string, unknown> {
  rejectForbiddenKeys(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw LabErrors.BAD_ROUND(`${where} must be a JSON object with ${required.map((k) => `"${k}"`).join(', ')}`);
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!required.includes(key) && !optional.includes(key)) {
      throw LabErrors.BAD_ROUND(
        `unknown field "${key.slice(0, 40)}" in ${where}; allowed: ${[...required, ...optional].join(', ')}`,
      );
    }
  }
  for (const key of required) {
    if (record[key] === undefined) throw LabErrors.BAD_ROUND(`${where} needs the field "${key}"`);
  }
  return record;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) {
    throw LabErrors.BAD_ROUND(`"${field}" must be a text of 1–${max} characters (got ${shown(value)})`);
  }
  return value;
}

function shown(value: unknown): string {
  return (JSON.stringify(value) ?? 'nothing').slice(0, 40);
}

export async function classRoundRoutes(
  app: FastifyInstance,
  { options, clientAddressOf }: TransportContext,
): Promise<void> {
  const state = new ClassRoundState(undefined, options.perAddressExempt ?? isLoopbackAddress);
  const noStore = { 'cache-control': 'no-store' };

  app.get('/api/class/round', (request, reply) => {
    const page = (request.query as Record<string, unknown>).page;
    if (page !== undefined && (typeof page !== 'string' || !PAGE_ID.test(page))) {
      throw LabErrors.BAD_QUERY('"page" must be 1–64 of A-Za-z0-9._-');
    }
    return reply.headers(noStore).send(state.view(page ?? null, clientAddressOf(request.raw.socket)));
  });

  app.post('/api/class/round', { config: { control: true } }, (request, reply) => {
    state.start(parseRoundStart(request.body));
    return reply.headers(noStore).send(state.view());
  });

  app.post('/api/class/round/vote', (request, reply) => {
    const vote = parseRoundVote(request.body);
    // The real client: behind the conditioner, the student's address, not 127.0.0.1.
    const address = clientAddressOf(request.raw.socket);
    state.vote(vote, address);
    return reply.headers(noStore).send(state.view(vote.page, address));
  });

  app.post('/api/class/round/run', { config: { control: true } }, (_request, reply) => {
    state.run();
    return reply.headers(noStore).send(state.view());
  });

  app.post('/api/class/round/reveal', { config: { control: true } }, (request, reply) => {
    state.reveal(parseRoundVerdict(request.body));
    return reply.headers(noStore).send(state.view());
  });

  app.delete('/api/class/round', { config: { control: true } }, (_request, reply) => {
    state.end();
    return reply.headers(noStore).send(state.view());
  });
}
