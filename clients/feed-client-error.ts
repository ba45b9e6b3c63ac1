/** An error with a `LAB_ERR_…` code: from the server's error body, or raised by the client itself. */
export class FeedClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FeedClientError';
  }
}

/** One line for `stats().lastError`: the code when there is one. */
export function describeError(error: unknown): string {
  if (error instanceof FeedClientError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
