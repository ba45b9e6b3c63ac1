/**
 * The class predicts, the store's side: every page reads the class's round
 * (`GET /api/class/round`) with its other 2-second reads and votes in it; the
 * teacher's page starts a round for a lesson, closes the votes when the
 * lesson runs, keeps the measured result and reveals it. A lab that answers
 * 404 has no rounds: the reads stop there.
 */
import type { Lesson } from '../../lessons/lesson.ts';
import type { LessonResult } from '../../lessons/run-lesson.ts';
import type { ClassRoundView, RoundVerdict } from '../../protocol/class-round.ts';
import { LabApiError } from '../../protocol/lab-api-error.ts';
import { type ControlError, plainControlError } from './control-error.ts';
import type { LabApi } from './lab-api.ts';

export class ClassPrediction {
  private current: ClassRoundView | null = null;
  /** The same view as JSON: a read that changed nothing keeps the old object (no re-render). */
  private currentJson = '';
  private problem: ControlError | null = null;
  private available = true;
  /** The teacher's measured result for a round, kept for the reveal. */
  private measured: { round: number; result: LessonResult } | null = null;

  /**
   * @param pageId this page's id in the class (its vote's key)
   * @param changed called after every change the page should show
   */
  constructor(
    private readonly api: LabApi,
    private readonly pageId: string,
    private readonly changed: () => void,
  ) {}

  /** The round as last read; null before the first read or on a lab without rounds. */
  get view(): ClassRoundView | null {
    return this.current;
  }

  /** The last refused call, in plain words; null when the last call went through. */
  get error(): ControlError | null {
    return this.problem;
  }

  /** The teacher's measured result for the round under way, once the lesson ran; null before. */
  get result(): LessonResult | null {
    const round = this.current;
    const kept = this.measured;
    return round && kept && kept.round === round.round && kept.result.id === round.lesson ? kept.result : null;
  }

  /** One read of the round (with this page's own vote). */
  async refresh(): Promise<void> {
    if (!this.available) return;
    try {
      this.show(await this.api.classRound(this.pageId));
    } catch (error) {
      if (error instanceof LabApiError && error.status === 404) this.available = false;
      // Otherwise keep the last view: the next read tries again.
    }
  }

  /** Asks the class the lesson's question (a control action): a new round, votes from zero. */
  start(lesson: Lesson): Promise<void> {
    const { id, claim, prediction } = lesson;
    return this.call(() =>
      this.api.startClassRound({ lesson: id, claim, question: prediction.question, choices: prediction.choices }),
    );
  }

  /** This page's prediction; it may change it until the experiment runs. */
  vote(choice: string): Promise<void> {
    return this.call(() => this.api.voteInClassRound({ page: this.pageId, choice }));
  }

  /** Before `lessonId` runs on the teacher's page: a round asking about it closes its votes first. */
  async closeVotesFor(lessonId: string): Promise<void> {
    if (this.current?.lesson !== lessonId || this.current.phase !== 'asking') return;
    await this.call(() => this.api.runClassRound());
  }

  /** After `lessonId` ran: its result is kept for the reveal when a round about it is under way. */
  keepResult(result: LessonResult): void {
    const round = this.current;
    if (round?.lesson !== result.id || round.phase === 'revealed') return;
    this.measured = { round: round.round, result };
    this.changed();
  }

  /** Shows the class the measured answer beside its votes (a control action). */
  reveal(): Promise<void> {
    const result = this.result;
    if (!result) return Promise.resolve();
    return this.call(() => this.api.revealClassRound(verdictOf(result)));
  }

  /** Ends the round: the pages stop asking. */
  end(): Promise<void> {
    return this.call(() => this.api.endClassRound());
  }

  dismissError(): void {
    this.problem = null;
    this.changed();
  }

  private async call(send: () => Promise<ClassRoundView>): Promise<void> {
    try {
      const view = await send();
      this.problem = null;
      // A control answer carries no `yourVote`: read this page's own view again.
      this.show(view.yourVote === null ? await this.api.classRound(this.pageId) : view);
    } catch (error) {
      this.problem = plainControlError(error, this.api.hasToken);
      await this.refresh();
    }
    this.changed();
  }

  private show(view: ClassRoundView): void {
    const json = JSON.stringify(view);
    if (json === this.currentJson) return;
    this.current = view;
    this.currentJson = json;
    this.changed();
  }
}

/** What the reveal sends: the lesson's judgement, or why there is none. */
export function verdictOf(result: LessonResult): RoundVerdict {
  const judgement = result.judgement;
  if (!judgement) {
    return { verdict: null, rightChoice: null, sentence: result.unavailable?.reason ?? 'the run gave no verdict' };
  }
  return {
    verdict: judgement.verdict,
    rightChoice: judgement.rightChoice,
    sentence: judgement.sentence.slice(0, 600),
    ...(judgement.condition ? { condition: judgement.condition.slice(0, 300) } : {}),
  };
}
