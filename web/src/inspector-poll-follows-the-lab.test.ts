/**
 * The wire inspector's module against a real lab: it reads the page's
 * client id's last exchange at once and again every 2 s, and a lab without
 * an inspector (404 LAB_ERR_NOT_FOUND) shows as unsupported instead of an
 * error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningLab, startLab, waitFor } from '../../test/support/lab-server.ts';
import { InspectorPoll } from './inspector-poll.ts';
import { LabApi } from './lab-api.ts';

let lab: RunningLab | null = null;
let poll: InspectorPoll | null = null;
afterEach(async () => {
  poll?.stop();
  poll = null;
  await lab?.close();
  lab = null;
});

describe('InspectorPoll', () => {
  it('reads the client id’s last exchange, then reads again and sees a newer one', async () => {
    lab = await startLab();
    const base = lab.url;
    const shortPoll = (): Promise<string> =>
      fetch(`${base}/api/feed/short-poll?client=web-inspected`).then((r) => r.text());
    await shortPoll();
    poll = new InspectorPoll(new LabApi(`${base}/`), 'web-inspected');
    expect(poll.view.supported).toBeNull(); // not asked yet
    poll.start();
    await waitFor(() => poll?.view.supported === true, 2000, 'the first read');
    const first = poll.view.data?.transports['short-poll'];
    expect(first?.requestHead).toMatch(/^GET \/api\/feed\/short-poll\?client=web-inspected HTTP\/1\.1/);
    expect(poll.view.data?.transports.sse).toBeNull();

    await shortPoll();
    // The next read comes 2 s after the first (INSPECT_POLL_MS), with the newer exchange.
    await waitFor(() => (poll?.view.data?.transports['short-poll']?.at ?? 0) > (first?.at ?? 0), 3500, 'a second read');
    expect(poll.view.error).toBeNull();
  });

  it('a lab without an inspector (404): unsupported, no data, no error', async () => {
    lab = await startLab();
    poll = new InspectorPoll(new LabApi(`${lab.url}/older-lab/`), 'web-inspected');
    poll.start();
    await waitFor(() => poll?.view.supported === false, 2000, 'the 404');
    expect(poll.view).toEqual({ supported: false, data: null, error: null });
  });

  it('a lab that stops answering: the error says so, the last data stays', async () => {
    lab = await startLab();
    const base = lab.url;
    await fetch(`${base}/api/feed/short-poll?client=web-inspected`).then((r) => r.text());
    poll = new InspectorPoll(new LabApi(`${base}/`), 'web-inspected');
    poll.start();
    await waitFor(() => poll?.view.supported === true, 2000, 'the first read');
    const data = poll.view.data;
    await lab.close();
    lab = null;
    await waitFor(() => poll?.view.error !== null, 3500, 'the failed read');
    expect(poll.view.supported).toBe(true);
    expect(poll.view.data).toBe(data);
    expect(poll.view.error).toMatch(/fetch failed/);
  });
});
