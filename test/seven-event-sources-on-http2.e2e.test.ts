/**
 * In a real Chromium, trusting the lab's self-signed certificate by its key's
 * hash (a fresh profile): over HTTP/1.1 a page gets six connections per
 * origin, so a seventh EventSource waits; over HTTP/2 every stream shares one
 * connection, and all seven open. The lab's meter agrees on both counts.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from '../cli/chromium-launcher.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import { createSelfSignedCertificate, spkiSha256 } from '../server/tls/self-signed-certificate.ts';
import { describeInChromium } from './support/chromium.ts';
import { type RunningLab, sleep, startLab } from './support/lab-server.ts';

const STREAMS = 7;

describeInChromium('seven EventSources: HTTP/1.1 against HTTP/2', (executable) => {
  let lab: RunningLab;
  let ports: { h2Port: number; http1Port: number };
  let browser: LaunchedChromium;

  beforeAll(async () => {
    const certificate = createSelfSignedCertificate();
    lab = await startLab({ https: { h2Port: 0, http1Port: 0, certificate } });
    const ready = await lab.app.httpsReady();
    if (!ready) throw new Error('the HTTPS ports did not start');
    ports = ready;
    browser = await launchChromium(executable, [
      `--ignore-certificate-errors-spki-list=${spkiSha256(certificate.cert)}`,
    ]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.close();
  });

  /** Opens STREAMS EventSources from a page of the port's origin; how many opened within 2 s, by the browser's count. */
  /** Opens the streams, and reads the lab's figures while they are still open: closing them frees a connection for the seventh. */
  async function openStreams(
    port: number,
    client: string,
  ): Promise<{ opened: number; protocol: string; sse: TransportMetrics | undefined }> {
    const page = await browser.context.newPage();
    await page.goto(`https://127.0.0.1:${port}/api/clock`);
    const protocol = await page.evaluate(
      () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
    );
    await page.evaluate(
      ({ count, id }) => {
        const w = window as unknown as { opened: number; sources: EventSource[] };
        w.opened = 0;
        w.sources = [];
        for (let i = 0; i < count; i++) {
          const source = new EventSource(`/api/feed/sse?client=${id}`);
          source.onopen = () => {
            w.opened += 1;
          };
          w.sources.push(source);
        }
      },
      { count: STREAMS, id: client },
    );
    await sleep(2000);
    const opened = await page.evaluate(() => (window as unknown as { opened: number }).opened);
    const sse = await sseMetrics(client);
    await page.evaluate(() => {
      for (const source of (window as unknown as { sources: EventSource[] }).sources) source.close();
    });
    await page.close();
    return { opened, protocol, sse };
  }

  async function sseMetrics(client: string): Promise<TransportMetrics | undefined> {
    const response = await fetch(`${lab.url}/api/metrics?client=${client}`);
    return ((await response.json()) as { transports: Record<string, TransportMetrics> }).transports.sse;
  }

  it('over HTTP/1.1 six open and the seventh waits for a connection', async () => {
    const result = await openStreams(ports.http1Port, 'seven-h1');
    expect(result.protocol).toBe('http/1.1');
    expect(result.opened).toBe(6);
    const { sse } = result;
    expect(sse?.requests).toBe(6);
    expect(sse?.protocols).toEqual({ 'http/1.1': 6, h2: 0 });
  }, 30_000);

  it('over HTTP/2 all seven open, on one connection', async () => {
    const result = await openStreams(ports.h2Port, 'seven-h2');
    expect(result.protocol).toBe('h2');
    expect(result.opened).toBe(STREAMS);
    const { sse } = result;
    expect(sse?.requests).toBe(STREAMS);
    expect(sse?.protocols).toEqual({ 'http/1.1': 0, h2: 1 });
  }, 30_000);
});
