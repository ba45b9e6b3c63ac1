/**
 * The class view's side of the store: every page reports its figures
 * (`POST /api/class/report`), the teacher's page also reads the class's
 * (`GET /api/class`). A lab that answers 404 has no class view: the rounds
 * stop there.
 */

import type { ClassReport, ClassView } from '../../protocol/class-report.ts';
import { LabApiError } from '../../protocol/lab-api-error.ts';
import type { LabApi } from './lab-api.ts';

export class ClassViewPoll {
  private latest: ClassView | null = null;
  private available = true;

  constructor(private readonly api: LabApi) {}

  /** The class as last read; null on a student's page, before the first read, or on a lab without the view. */
  get view(): ClassView | null {
    return this.latest;
  }

  /** False once the lab answered 404: a lab without the class view. */
  get supported(): boolean {
    return this.available;
  }

  /**
   * One round: reports this page's figures, then, on the teacher's page,
   * reads the class. A failed read keeps the last view. The view is read at
   * the store's next snapshot, so a round causes no redraw of its own.
   */
  async round(report: ClassReport): Promise<void> {
    if (!this.available) return;
    const unsupported = (error: unknown): void => {
      if (error instanceof LabApiError && error.status === 404) this.available = false;
    };
    await this.api.reportToClass(report).catch(unsupported);
    if (this.api.hasToken && this.available) {
      this.latest = await this.api.classView().catch((error: unknown) => {
        unsupported(error);
        return this.latest;
      });
    }
  }
}
