/**
 * A real third-party client: Debian's python3-socketio (5.x, speaking to
 * socket.io 4.8) joins `/feed` over websocket and over polling, receives
 * consecutive seqs and gets an acknowledgement back for a publish; a plain
 * WebSocket (python3-websocket) at `/socket.io/` is refused.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishMany, type RunningLab, sleep, startLab } from './support/lab-server.ts';
import { DEBIAN_PYTHON, describeWithPythonSocketIo } from './support/python-socketio.ts';

const CLIENT_SCRIPT = new URL('./support/python-socketio-client.py', import.meta.url).pathname;

interface Line {
  step: string;
  [key: string]: unknown;
}

/** Runs the Python client; `lines` resolves each JSON line it prints, in order. */
function runPythonClient(url: string, transport: string, clientId: string, count: number) {
  const child: ChildProcess = spawn(DEBIAN_PYTHON, [CLIENT_SCRIPT, url, transport, clientId, String(count)]);
  const lines: Line[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (data: Buffer) => {
    const parts = (partial + data.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as Line);
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    /** The next line with this step; fails on an `error` line or after `timeoutMs`. */
    async step(step: string, timeoutMs = 15_000): Promise<Line> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((line) => line.step === step || line.step === 'error');
        if (found?.step === 'error') throw new Error(`python client: ${JSON.stringify(found)}; stderr: ${stderr}`);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`python client printed no ${step} line; stderr: ${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

describeWithPythonSocketIo('python3-socketio against the lab', () => {
  let lab: RunningLab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab.close();
  });

  it.each(['websocket', 'polling'])(
    'over %s: hello, consecutive seqs, an ack for its publish',
    async (transport) => {
      const client = runPythonClient(`${lab.url}/`, transport, `py-${transport}`, 5);
      try {
        const hello = await client.step('hello');
        expect(hello.transport).toBe(transport);
        const first = (hello.hello as { next: number }).next;
        expect(hello.hello).toMatchObject({ type: 'hello', epoch: lab.app.feed.epoch });
        await sleep(100);
        publishMany(lab.app, 5);
        const events = await client.step('events');
        expect(events.seqs).toEqual([first + 1, first + 2, first + 3, first + 4, first + 5]);
        const ack = await client.step('ack');
        expect(ack.ack).toEqual({ type: 'ack', epoch: lab.app.feed.epoch, seq: first + 6 });
        expect(ack.transport).toBe(transport);
        expect(await client.exited).toBe(0);
        // The lab metered it as any client: by its id, on socket-io.
        const metrics = (await (await fetch(`${lab.url}/api/metrics?client=py-${transport}`)).json()) as {
          transports: Record<string, { messages: number; requests: number }>;
        };
        expect(metrics.transports['socket-io']?.messages).toBeGreaterThanOrEqual(6);
      } finally {
        client.kill();
      }
    },
    30_000,
  );

  it('a plain WebSocket at /socket.io/ is refused: Socket.IO is not a WebSocket server', async () => {
    const url = `${lab.url.replace('http', 'ws')}/socket.io/`;
    const program = [
      'import sys, websocket',
      'try:',
      '    websocket.create_connection(sys.argv[1], timeout=5)',
      '    print("connected")',
      'except websocket.WebSocketBadStatusException as refused:',
      '    print("refused", refused.status_code)',
    ].join('\n');
    // Not spawnSync: the lab runs in this process and must answer meanwhile.
    const child = spawn(DEBIAN_PYTHON, ['-c', program, url]);
    let stdout = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
    });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(stdout.trim()).toBe('refused 400');
  });
});
