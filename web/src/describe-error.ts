/** An error in one line for the page: a lab error as `LAB_ERR_…: message`, anything else its message. */
import { LabApiError } from '../../protocol/lab-api-error.ts';

export function describeError(error: unknown): string {
  if (error instanceof LabApiError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
