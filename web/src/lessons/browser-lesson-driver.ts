/**
 * The lessons' driver in the dashboard: the lab steered through the page's
 * own API calls (with the teacher token), each feed run's clients on the
 * browser's own fetch, EventSource and WebSocket. Two runs cannot be done
 * from a page, and say so instead of measuring something else: a browser's
 * fetch will not send `Connection: close`, and the connection-limit run
 * needs a page that holds no connections of its own yet.
 */
import { browserEnv } from '../../../clients/client-env.ts';
import { LabLessonDriver } from '../../../lessons/lab-lesson-driver.ts';
import type { LabEndpoints, LabRequest } from '../../../lessons/measure-feed-run.ts';
import { LessonUnavailable } from '../../../lessons/run-lesson.ts';

export function browserLessonDriver(lab: LabEndpoints, request: LabRequest, clockOffsetMs: number): LabLessonDriver {
  return new LabLessonDriver(
    {
      lab,
      request,
      clockOffsetMs,
      makeEnv: (_transport, run) => {
        if (run.client?.connectionClose) {
          throw new LessonUnavailable(
            `"${run.label}" needs requests that ask for Connection: close, which a browser's fetch will not send`,
            'npm run lessons -- --only one-connection-per-request runs it from Node',
          );
        }
        return { env: browserEnv(), close: async () => {} };
      },
    },
    async (run) => {
      throw new LessonUnavailable(
        `"${run.label}" needs a browser page that holds no connections to the lab yet, and this one holds its own`,
        'try the six-connections demo on this page, or npm run lessons -- --only six-connections-per-origin (a fresh Chromium)',
      );
    },
  );
}
