/**
 * The dashboard page comes from the lab's port, its clients may go through
 * the conditioner's port: another origin. The feed endpoints and the clock
 * answer CORS for exactly the lab's own origins (both ports, the host names
 * the lab is reached by), nothing for anyone else; the header bytes are real
 * and the meter counts them.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;
let conditionerPort: number;

beforeAll(async () => {
  lab = await startLab({ conditionerPort: 0 });
  conditionerPort = (await lab.app.conditioner.ready()) as number;
});
afterAll(async () => {
  await lab.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
}

/** A raw request (fetch would not let us set Origin), straight to `port`. */
function request(port: number, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ownOrigins = (): string[] => [
  `http://127.0.0.1:${lab.port}`,
  `http://localhost:${lab.port}`,
  `http://[::1]:${lab.port}`,
  `http://127.0.0.1:${conditionerPort}`,
  `http://localhost:${conditionerPort}`,
  `http://[::1]:${conditionerPort}`,
];

describe('the lab’s own origins', () => {
  it.each(['/api/feed/short-poll', '/api/feed/long-poll?timeoutMs=100', '/api/clock'])(
    '%s answers Access-Control-Allow-Origin for each of them, through the conditioner too',
    async (path) => {
      for (const origin of ownOrigins()) {
        for (const port of [lab.port, conditionerPort]) {
          const answer = await request(port, 'GET', path, { origin });
          expect(answer.status).toBe(200);
          expect(answer.headers['access-control-allow-origin'], `${origin} via ${port}`).toBe(origin);
          expect(answer.headers.vary).toBe('Origin');
        }
      }
    },
  );

  it('a preflight for a JSON publish is allowed, and counted as the transport’s request', async () => {
    const origin = `http://localhost:${lab.port}`;
    const answer = await request(conditionerPort, 'OPTIONS', '/api/feed/publish?client=cors-pre&transport=long-poll', {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    expect(answer.headers['access-control-allow-methods']).toContain('POST');
    expect(answer.headers['access-control-allow-headers']?.toLowerCase()).toContain('content-type');
    const metrics = (await (await fetch(`${lab.url}/api/metrics?client=cors-pre`)).json()) as {
      transports: Record<string, { requests: number }>;
    };
    expect(metrics.transports['long-poll']?.requests).toBe(1);
  });

  it('the extra header bytes are real: the meter counts them in the transport’s header bytes', async () => {
    const origin = `http://127.0.0.1:${conditionerPort}`;
    const headerBytes = async (client: string, extra: Record<string, string>) => {
      await request(conditionerPort, 'GET', `/api/feed/short-poll?client=${client}&since=0`, extra);
      const metrics = (await (await fetch(`${lab.url}/api/metrics?client=${client}`)).json()) as {
        transports: Record<string, { bytes: Record<'up' | 'down', { header: number }> }>;
      };
      const bytes = metrics.transports['short-poll']?.bytes;
      return { up: bytes?.up.header ?? 0, down: bytes?.down.header ?? 0 };
    };
    const plain = await headerBytes('cors-plain', {});
    const cors = await headerBytes('cors-bytes', { origin });
    // Same-length client ids, so the only difference is the Origin line and the two answer lines.
    expect(cors.up - plain.up).toBe(Buffer.byteLength(`origin: ${origin}\r\n`));
    expect(cors.down - plain.down).toBe(
      Buffer.byteLength(`access-control-allow-origin: ${origin}\r\nvary: Origin\r\n`),
    );
  });
});

describe('any other origin', () => {
  it.each(['http://evil.example', 'http://127.0.0.1:1', 'null'])(
    '%s gets no CORS header at all, on the feed, the clock, or a preflight',
    async (origin) => {
      for (const path of ['/api/feed/short-poll', '/api/clock']) {
        const answer = await request(conditionerPort, 'GET', path, { origin });
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      }
      const preflight = await request(lab.port, 'OPTIONS', '/api/feed/publish?transport=sse', {
        origin,
        'access-control-request-method': 'POST',
      });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    },
  );

  it('https or another port of the same host is another origin', async () => {
    for (const origin of [`https://127.0.0.1:${lab.port}`, `http://127.0.0.1:${lab.port + 2}`]) {
      const answer = await request(lab.port, 'GET', '/api/clock', { origin });
      expect(answer.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it('lab endpoints other than the clock stay same-origin only', async () => {
    const answer = await request(lab.port, 'GET', '/api/metrics', { origin: `http://127.0.0.1:${conditionerPort}` });
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });
});

/** The head of an SSE answer (the stream never ends, so the request is cut once the head is in). */
function sseHead(port: number, origin: string): Promise<http.IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/api/feed/sse', headers: { origin }, agent: false },
      (res) => {
        resolve(res.headers);
        req.destroy();
      },
    );
    req.on('error', reject);
    req.end();
  });
}

// sse.ts writes its head by hand after reply.hijack(); the CORS lines a hook set must still be in it.
it('SSE answers Access-Control-Allow-Origin for the lab’s own origins, directly and through the conditioner', async () => {
  for (const port of [lab.port, conditionerPort]) {
    const origin = `http://localhost:${lab.port}`;
    const own = await sseHead(port, origin);
    expect(own['content-type']).toContain('text/event-stream');
    expect(own['access-control-allow-origin']).toBe(origin);
    expect(own.vary).toBe('Origin');
  }
});
