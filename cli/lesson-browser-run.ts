/**
 * The six-connections lesson's run: a headless Chromium page on the lab's own
 * origin opens N EventSources at once. The lab's meter says which streams'
 * requests arrived (a stream the browser holds back never reaches it); then
 * the page closes the first stream and we time when the waiting one opens.
 */

import type { ConnectionLimitMeasurement, ConnectionLimitRunPlan } from '../lessons/lesson.ts';
import type { LabEndpoints, LabRequest } from '../lessons/measure-feed-run.ts';
import { LessonUnavailable } from '../lessons/run-lesson.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import { spkiSha256 } from '../server/tls/self-signed-certificate.ts';
import { CHROMIUM_INSTALL_HINT, findChromium, launchChromium } from './chromium-launcher.ts';

/** How long the waiting stream gets to open after the first one closed, ms. */
const OPEN_AFTER_CLOSE_LIMIT_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureConnectionLimit(
  lab: LabEndpoints,
  run: ConnectionLimitRunPlan,
  labRequest: LabRequest,
): Promise<ConnectionLimitMeasurement> {
  const executable = findChromium();
  if (!executable)
    throw new LessonUnavailable('this lesson needs a real browser, and no Chromium was found', CHROMIUM_INSTALL_HINT);
  const runId = Math.random().toString(36).slice(2, 8);
  const ids = Array.from({ length: run.streams }, (_, i) => `lesson-${runId}-stream-${i + 1}`);
  const origin = run.http ? httpsOrigin(lab, run.http) : lab.labUrl;
  // Over TLS a fresh profile trusts the lab's certificate by its key's hash, and nothing else.
  const pem = run.http ? lab.https?.certificatePem : null;
  const trust = pem ? [`--ignore-certificate-errors-spki-list=${spkiSha256(pem)}`] : [];
  const browser = await launchChromium(executable, trust).catch((error: unknown) => {
    throw new LessonUnavailable(
      `Chromium at ${executable} did not start: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      CHROMIUM_INSTALL_HINT,
    );
  });
  try {
    const page = await browser.context.newPage();
    // Any page of the lab's origin will do; /api is small and holds no connection of its own.
    await page.goto(`${origin}/api`);
    const userAgent = await page.evaluate(() => navigator.userAgent);
    await page.evaluate((clientIds) => {
      const streams = clientIds.map((id) => {
        const source = new EventSource(`/api/feed/sse?client=${id}`);
        const record = { source, openedAt: null as number | null };
        source.addEventListener('open', () => {
          record.openedAt ??= performance.now();
        });
        return record;
      });
      (globalThis as unknown as { lessonStreams: typeof streams }).lessonStreams = streams;
    }, ids);
    await sleep(run.holdS * 1000);
    const openedBeforeClose = await streamsSeenByLab(labRequest, ids);
    const closedAt = await page.evaluate(() => {
      const streams = (globalThis as unknown as { lessonStreams: { source: EventSource }[] }).lessonStreams;
      streams[0]?.source.close();
      return performance.now();
    });
    const until = performance.now() + OPEN_AFTER_CLOSE_LIMIT_MS;
    let openedAfterClose = openedBeforeClose;
    while (performance.now() < until) {
      await sleep(100);
      openedAfterClose = await streamsSeenByLab(labRequest, ids);
      if (openedAfterClose >= run.streams) break;
    }
    const openTimes = await page.evaluate(() =>
      (globalThis as unknown as { lessonStreams: { openedAt: number | null }[] }).lessonStreams.map((s) => s.openedAt),
    );
    const late = openTimes.filter((t): t is number => t !== null && t > closedAt);
    await page.evaluate(() => {
      for (const s of (globalThis as unknown as { lessonStreams: { source: EventSource }[] }).lessonStreams)
        s.source.close();
    });
    return {
      kind: 'browser-connection-limit',
      label: run.label,
      requested: run.streams,
      openedBeforeClose,
      openedAfterClose,
      waitedAfterCloseMs: late.length > 0 ? Math.min(...late) - closedAt : null,
      browser:
        /(?:HeadlessChrome|Chrome)\/(\d+)/.exec(userAgent)?.[0]?.replace('HeadlessChrome', 'Chromium') ?? 'Chromium',
    };
  } finally {
    await browser.close();
  }
}

function httpsOrigin(lab: LabEndpoints, version: 'h2' | 'http/1.1'): string {
  if (!lab.https) {
    throw new LessonUnavailable(
      `this run opens its page over TLS (${version === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}), and the lab has no HTTPS ports`,
      'start the lab with npm start -- --https, or leave out --url',
    );
  }
  return version === 'h2' ? lab.https.h2Url : lab.https.http1Url;
}

/** How many of the streams' requests reached the lab (its meter counts one request per stream that got through). */
async function streamsSeenByLab(labRequest: LabRequest, ids: string[]): Promise<number> {
  let seen = 0;
  for (const id of ids) {
    const snapshot = await labRequest<MetricsSnapshot>('GET', `/api/metrics?client=${id}`);
    if (snapshot.transports.sse.requests > 0) seen++;
  }
  return seen;
}
