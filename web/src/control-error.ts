/**
 * A refused control action in plain words. The lab's own message names the
 * code; a learner needs to know what to do, and a 401 means one thing here:
 * only the teacher's page may steer the lab.
 */
import { LabApiError } from '../../protocol/lab-api-error.ts';

export interface ControlError {
  message: string;
  hint?: string;
}

/** @param hasToken whether this page holds a teacher token (then the lab refused that token) */
export function plainControlError(error: unknown, hasToken: boolean): ControlError {
  if (error instanceof LabApiError) {
    if (error.status === 401) {
      return hasToken
        ? {
            message: 'The lab did not accept this page’s teacher token.',
            hint: 'open the teacher link the lab printed when it started (it ends in ?token=…) again',
          }
        : {
            message: 'Only the teacher can change this: the lab runs in classroom mode.',
            hint: 'you can still watch, and send messages of your own; ask the teacher to change the network or the feed',
          };
    }
    return { message: `${error.code}: ${error.message}`, ...(error.hint ? { hint: error.hint } : {}) };
  }
  if (error instanceof TypeError) return { message: 'The lab did not answer.', hint: 'is it still running?' };
  return { message: error instanceof Error ? error.message : String(error) };
}
