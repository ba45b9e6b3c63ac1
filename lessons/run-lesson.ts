/**
 * Runs a lesson's plan through a LessonDriver and judges the measurements.
 * The driver is where the environment lives (the Node CLI talks to a lab over
 * HTTP and runs Node clients; the dashboard will run the browser's own), so
 * this file stays the same in both.
 */
import type { Judgement, Lesson, RunMeasurement, RunPlan } from './lesson.ts';
import { MissingData } from './lesson.ts';

/** What a driver needs to put back after a lesson: whatever it captured (feed settings, network). */
export type SavedConditions = unknown;

export interface LessonDriver {
  /** Reads the lab's current conditions, so they can be restored after the lesson. */
  capture(): Promise<SavedConditions>;
  /** Sets a run's conditions: feed scenario, rate and size, network. */
  apply(run: RunPlan): Promise<void>;
  /** Measures one run as its own segment (fresh client ids, so the meter starts from zero). */
  measure(run: RunPlan): Promise<RunMeasurement>;
  /** Puts back what `capture` read. */
  restore(saved: SavedConditions): Promise<void>;
}

/** Why a lesson gave no verdict: the environment lacked something (a browser), or a figure the verdict needs is missing. */
export class LessonUnavailable extends Error {
  override readonly name = 'LessonUnavailable';
  constructor(
    message: string,
    /** What to do about it, e.g. how to install Chromium. */
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface LessonResult {
  id: string;
  claim: string;
  /** Each run's conditions in plain words. */
  conditions: string[];
  /** null when the lesson could not be judged (see `unavailable`). */
  judgement: Judgement | null;
  unavailable: { reason: string; hint: string } | null;
  measurements: RunMeasurement[];
  /** Wall time of the whole lesson, ms. */
  elapsedMs: number;
}

/**
 * Captures the conditions, applies and measures each run in turn, restores the
 * conditions (also after a failure), then judges.
 * @param onRun called before each run with its index and label
 */
export async function runLesson(
  lesson: Lesson,
  driver: LessonDriver,
  onRun: (index: number, run: RunPlan) => void = () => {},
): Promise<LessonResult> {
  const started = Date.now();
  const measurements: RunMeasurement[] = [];
  const conditions = lesson.plan.map((run) => run.label);
  const base = { id: lesson.id, claim: lesson.claim, conditions, measurements };
  const saved = await driver.capture();
  try {
    for (const [index, run] of lesson.plan.entries()) {
      onRun(index, run);
      await driver.apply(run);
      measurements.push(await driver.measure(run));
    }
  } catch (error) {
    if (!(error instanceof LessonUnavailable)) throw error;
    return {
      ...base,
      judgement: null,
      unavailable: { reason: error.message, hint: error.hint },
      elapsedMs: Date.now() - started,
    };
  } finally {
    await driver.restore(saved);
  }
  return { ...base, ...judgeSafely(lesson, measurements), elapsedMs: Date.now() - started };
}

/** The verdict, or why there is none: a missing figure is said as such, never guessed. */
export function judgeSafely(
  lesson: Lesson,
  measurements: readonly RunMeasurement[],
): Pick<LessonResult, 'judgement' | 'unavailable'> {
  try {
    const judgement = lesson.judge(measurements);
    if (judgement.verdict === 'holds-if' && !judgement.condition) {
      throw new Error(`lesson ${lesson.id} said holds-if without a condition`);
    }
    return { judgement, unavailable: null };
  } catch (error) {
    if (!(error instanceof MissingData)) throw error;
    return {
      judgement: null,
      unavailable: { reason: error.message, hint: 'run the lesson again; if it persists, the lab log may say why' },
    };
  }
}
