/**
 * Load runs from the dashboard (`/api/load`, see docs/api.md): their refusals
 * in plain words (the request and view types are protocol/load-run-view.ts). The calls
 * are `LabApi`'s (starting and stopping are control actions: they carry the
 * teacher token when this page holds one).
 */
import { LabApiError } from '../../protocol/lab-api-error.ts';
import { type ControlError, plainControlError } from './control-error.ts';

/** A refused start or stop in plain words: a student's page learns why only the teacher may load the lab. */
export function plainLoadRunError(error: unknown, hasToken: boolean): ControlError {
  if (error instanceof LabApiError && error.status === 401 && !hasToken) {
    return {
      message: 'Only the teacher can start or stop a load run: the lab runs in classroom mode.',
      hint: 'a load run slows the lab down for everyone; you can still watch its progress here',
    };
  }
  return plainControlError(error, hasToken);
}
