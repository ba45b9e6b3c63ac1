/**
 * How the lab's API says no: every error answer's body, and the error a
 * caller throws with it (the page's LabApi, the tools' requests).
 */

/** The JSON body of every error answer (server/errors.ts writes it): `{"code":"LAB_ERR_…","message","hint"}`. */
export interface ErrorAnswer {
  code: string;
  message: string;
  hint: string;
}

/** A refused call: the HTTP status and the lab's code and hint (`HTTP_<status>` when the answer had no code). */
export class LabApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'LabApiError';
  }
}
