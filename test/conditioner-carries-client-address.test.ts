/**
 * Through the network conditioner the lab is reached from the conditioner's
 * own loopback socket — but its address-keyed limits must still see the
 * student. The conditioner tells the lab whom each of its sockets carries:
 * the LAN connection cap, the class view's pages per address and the
 * upstream rate limit apply to the real client, not to 127.0.0.1.
 *
 * Loopback plays the network: clients connect from 127.0.0.2 and 127.0.0.3;
 * only 127.0.0.1 (where the conditioner reaches the lab from) is exempt, as
 * all of loopback is in real use.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASS_PAGES_PER_ADDRESS } from '../server/api/class-routes.ts';
import { UPSTREAM_LIMITS } from '../server/security/upstream-budget.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;
let conditionerPort: number;

beforeAll(async () => {
  lab = await startLab({
    lan: true,
    teacherToken: 'teacher-secret-token',
    conditionerPort: 0,
    maxConnectionsPerAddress: 3,
    perAddressExempt: (address) => address === '127.0.0.1',
  });
  conditionerPort = (await lab.app.conditioner.ready()) as number;
});
afterAll(async () => {
  await lab.close();
});

/** A request through the conditioner from `from`, on a connection of its own. */
function viaConditioner(
  from: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; body: string } | 'refused'> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: conditionerPort,
        localAddress: from,
        method,
        path,
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', () => resolve('refused'));
    req.end(body);
  });
}

describe('through the conditioner, the lab sees the student', () => {
  it('the LAN connection cap counts the student’s connections, not the conditioner’s', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => viaConditioner('127.0.0.2', 'GET', '/api/feed/long-poll?timeoutMs=1500')),
    );
    const answered = results.filter((r) => r !== 'refused' && r.status === 200).length;
    expect(answered).toBe(3);
    expect(results.filter((r) => r === 'refused').length).toBe(2);
    // Another student through the same conditioner is not held to the first one's cap.
    const other = await viaConditioner('127.0.0.3', 'GET', '/api/feed/short-poll');
    expect(other !== 'refused' && other.status).toBe(200);
  });

  it('the class view keeps at most 8 pages per student, through the conditioner too', async () => {
    for (let i = 0; i < CLASS_PAGES_PER_ADDRESS + 4; i++) {
      const report = JSON.stringify({ page: `tab-${i}`, transports: {} });
      const answer = await viaConditioner('127.0.0.2', 'POST', '/api/class/report', report);
      expect(answer !== 'refused' && answer.status).toBe(204);
    }
    const view = await viaConditioner('127.0.0.2', 'GET', '/api/class');
    expect(view !== 'refused' && JSON.parse(view.body).browsers).toBe(CLASS_PAGES_PER_ADDRESS);
  });

  it('the upstream limit is the student’s own: one student’s flood leaves another’s allowance whole', async () => {
    const { perAddressPerSecond, perAddressBurst } = UPSTREAM_LIMITS;
    const publishFrom = async (from: string, count: number): Promise<{ accepted: number; seconds: number }> => {
      const started = performance.now();
      let accepted = 0;
      for (let i = 0; i < count; i++) {
        const answer = await viaConditioner(from, 'POST', '/api/feed/publish?client=same-id', '{"data":1}');
        if (answer !== 'refused' && answer.status === 200) accepted++;
      }
      return { accepted, seconds: (performance.now() - started) / 1000 };
    };
    const flooder = await publishFrom('127.0.0.2', perAddressBurst + 30);
    expect(flooder.accepted).toBeLessThanOrEqual(Math.floor(perAddressBurst + perAddressPerSecond * flooder.seconds));
    expect(flooder.accepted).toBeLessThan(perAddressBurst + 30);
    const other = await publishFrom('127.0.0.3', perAddressBurst);
    expect(other.accepted).toBe(perAddressBurst);
  });
});

it('the conditioner forgets each socket’s client once it closes', async () => {
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(lab.app.clientAddresses.proxiedCount).toBe(lab.app.conditioner.state().openConnections);
});
