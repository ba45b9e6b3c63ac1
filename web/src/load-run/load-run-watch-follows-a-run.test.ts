/**
 * The load run as the panel follows it, against a real lab that starts the
 * real load generator: a student's page is refused in plain words; the
 * teacher's page starts a short run, sees it running, then finished with a
 * result, and polls only while the run goes, one read at a time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LoadRunView } from '../../../protocol/load-run-view.ts';
import { type RunningLab, sleep, startLab, waitFor } from '../../../test/support/lab-server.ts';
import { LabApi } from '../lab-api.ts';
import { LOAD_POLL_MS, LoadRunWatch } from './load-run-watch.ts';

// A real child process runs the clients: seconds, not milliseconds.
vi.setConfig({ testTimeout: 30_000 });

const TOKEN = 'teacher-secret';
let lab: RunningLab | null = null;
let watch: LoadRunWatch | null = null;
afterEach(async () => {
  watch?.unwatch();
  watch = null;
  await fetch(`${lab?.url}/api/load`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } }).catch(
    () => {},
  );
  await lab?.close();
  lab = null;
});

/** The real API, counting its reads of the run. */
class CountingApi extends LabApi {
  reads = 0;
  override loadRun(): Promise<LoadRunView> {
    this.reads++;
    return super.loadRun();
  }
}

describe('LoadRunWatch', () => {
  it('a student’s page: the run it may not start is refused in plain words, nothing runs', async () => {
    lab = await startLab({ teacherToken: TOKEN });
    let changes = 0;
    watch = new LoadRunWatch(new LabApi(`${lab.url}/`), () => changes++);
    watch.watch();
    await waitFor(() => watch?.state.run !== null, 2000, 'the first read');
    expect(watch.state.run?.state).toBe('idle');
    await watch.begin({ clientsPerTransport: 1, durationS: 2, transports: ['sse'] });
    expect(watch.state.error?.message).toBe(
      'Only the teacher can start or stop a load run: the lab runs in classroom mode.',
    );
    expect(watch.state.sending).toBe(false);
    expect(watch.state.run?.state).toBe('idle');
    watch.dismissError();
    expect(watch.state.error).toBeNull();
    expect(changes).toBe(4); // the read, sending, the refusal, the dismissal
  });

  it('the teacher’s page: running, then finished with a result; reads stop with the run', async () => {
    lab = await startLab({ teacherToken: TOKEN });
    const api = new CountingApi(`${lab.url}/`, TOKEN);
    const seen = new Set<string>();
    watch = new LoadRunWatch(api, () => {
      const state = watch?.state.run?.state;
      if (state) seen.add(state);
    });
    watch.watch();
    await waitFor(() => watch?.state.run !== null, 2000, 'the first read');
    expect(api.reads).toBe(1); // idle: no polling

    lab.app.feed.publish({ topic: 'test', data: { i: 0 } });
    await watch.begin({ clientsPerTransport: 1, durationS: 2, transports: ['sse', 'websocket'] });
    expect(watch.state.error).toBeNull();
    const startedAt = Date.now();
    await waitFor(() => watch?.state.run?.state === 'finished', 25_000, 'the run to finish');
    const elapsedMs = Date.now() - startedAt;
    expect(seen.has('running') || seen.has('starting')).toBe(true);
    expect(watch.state.run?.result?.transports.sse?.clients).toBe(1);
    expect(watch.state.run?.result?.transports.websocket?.clients).toBe(1);
    // About one read a second while it ran (one at a time, so never more than one per interval).
    expect(api.reads - 1).toBeGreaterThanOrEqual(1);
    expect(api.reads - 1).toBeLessThanOrEqual(Math.ceil(elapsedMs / LOAD_POLL_MS) + 1);

    const readsWhenFinished = api.reads;
    await sleep(LOAD_POLL_MS * 2.5);
    expect(api.reads).toBe(readsWhenFinished);
  });
});
