/**
 * The Lessons view's state: per lesson the learner's prediction, whether it
 * runs and how far, and its result. Its own small store (useSyncExternalStore
 * in the view), so a lesson's progress does not touch the lab's snapshot.
 * One lesson runs at a time; it starts a segment of its own on the page.
 */
import type { Lesson } from '../../../lessons/lesson.ts';
import { lessonMarkdown } from '../../../lessons/lesson-markdown.ts';
import { findLesson } from '../../../lessons/lesson-registry.ts';
import type { LabEndpoints, LabRequest } from '../../../lessons/measure-feed-run.ts';
import { type LessonResult, runLesson } from '../../../lessons/run-lesson.ts';
import { browserLessonDriver } from './browser-lesson-driver.ts';

export interface LessonState {
  prediction: string | null;
  running: boolean;
  /** "run 1 of 2: …" while it runs. */
  progress: string | null;
  result: LessonResult | null;
  /** The prediction the result was measured after (it may be changed afterwards). */
  predictedBeforeRun: string | null;
  error: string | null;
}

/** What a lesson run needs from the page. */
export interface LessonSetting {
  lab: LabEndpoints;
  request: LabRequest;
  clockOffsetMs: number;
  /** Starts the page's segment for the lesson (the figures around it stay apart). */
  beginSegment(label: string): void;
  /** Before the run: a class round asking about this lesson closes its votes. */
  beforeRun?(id: string): Promise<void>;
  /** After the run: the result, kept for the class round's reveal. */
  afterRun?(result: LessonResult): void;
}

const IDLE: LessonState = {
  prediction: null,
  running: false,
  progress: null,
  result: null,
  predictedBeforeRun: null,
  error: null,
};

export class LessonRunner {
  private states: Readonly<Record<string, LessonState>> = {};
  private readonly listeners = new Set<() => void>();

  constructor(private readonly setting: () => LessonSetting | null) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): Readonly<Record<string, LessonState>> => this.states;

  stateOf(id: string): LessonState {
    return this.states[id] ?? IDLE;
  }

  get busy(): boolean {
    return Object.values(this.states).some((s) => s.running);
  }

  predict(id: string, choice: string): void {
    this.update(id, { prediction: choice });
  }

  /** Runs the lesson (after a prediction): the lab's conditions are set, measured and put back. */
  async run(id: string): Promise<void> {
    const lesson = findLesson(id);
    const setting = this.setting();
    if (!lesson || !setting || this.busy) return;
    const predicted = this.stateOf(id).prediction;
    this.update(id, { running: true, progress: 'starting…', error: null, result: null, predictedBeforeRun: predicted });
    try {
      await setting.beforeRun?.(id);
      setting.beginSegment(`lesson: ${id}`);
      const driver = browserLessonDriver(setting.lab, setting.request, setting.clockOffsetMs);
      const result = await runLesson(lesson, driver, (index, run) =>
        this.update(id, { progress: `run ${index + 1} of ${lesson.plan.length}: ${run.label}` }),
      );
      this.update(id, { running: false, progress: null, result });
      setting.afterRun?.(result);
    } catch (error) {
      this.update(id, {
        running: false,
        progress: null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The result as Markdown to hand in, with the prediction made before the run. */
  markdown(lesson: Lesson): string | null {
    const state = this.stateOf(lesson.id);
    if (!state.result) return null;
    return lessonMarkdown(lesson, state.result, state.predictedBeforeRun ?? undefined);
  }

  private update(id: string, change: Partial<LessonState>): void {
    this.states = { ...this.states, [id]: { ...this.stateOf(id), ...change } };
    for (const listener of this.listeners) listener();
  }
}
