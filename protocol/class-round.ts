/**
 * The class predicts, on the wire: the teacher starts a round for a lesson
 * (its question and choices), every page votes once (it may change its vote
 * until the experiment runs), and the teacher reveals the measured answer.
 * Written by the page (web/src/class-prediction.ts) and the lab
 * (server/api/class-round-routes.ts); see docs/api.md.
 */

/** asking: votes are taken · running: the experiment runs, votes are closed · revealed: the verdict is out. */
export type RoundPhase = 'asking' | 'running' | 'revealed';

export interface RoundChoice {
  /** 1–40 of `a-z0-9-`, as a lesson's choice ids. */
  id: string;
  /** The choice in words, 1–200 characters. */
  text: string;
}

/** `POST /api/class/round`: a control action. */
export interface RoundStart {
  /** The lesson's id (kebab-case, 1–80 characters). */
  lesson: string;
  /** The lesson's claim, 1–300 characters. */
  claim: string;
  /** The prediction's question, 1–300 characters. */
  question: string;
  /** 2–4 choices with distinct ids. */
  choices: RoundChoice[];
}

/** `POST /api/class/round/reveal`: the lesson's judgement, as the teacher's page measured it. */
export interface RoundVerdict {
  /** `holds`, `holds-if`, `does-not-hold`, or null when the run gave no verdict. */
  verdict: 'holds' | 'holds-if' | 'does-not-hold' | null;
  /** The choice the measurement bears out; null with no verdict. */
  rightChoice: string | null;
  /** One sentence with the numbers (or why there is no verdict), 1–600 characters. */
  sentence: string;
  /** With `holds-if`: the condition, up to 300 characters. */
  condition?: string;
}

/** `POST /api/class/round/vote`. */
export interface RoundVote {
  /** The voting page's id (as in the class reports). */
  page: string;
  /** One of the round's choice ids. */
  choice: string;
}

/** `GET /api/class/round[?page=ID]`: the round as everyone may see it. */
export interface ClassRoundView {
  /** Counts up with every round started (0: none yet), so a page sees a new round of the same lesson. */
  round: number;
  /** null: no round (none started, or the teacher ended it). */
  lesson: string | null;
  claim: string | null;
  question: string | null;
  phase: RoundPhase | null;
  choices: RoundChoice[];
  /** Votes per choice id (every choice present, 0 included). */
  votes: Record<string, number>;
  /** Pages that voted. */
  answered: number;
  /** The asking page's own vote (with `?page=`); null when it has none. */
  yourVote: string | null;
  /** Once revealed. */
  verdict: RoundVerdict | null;
  /** When the round started, epoch ms; null without one. */
  startedAt: number | null;
}
