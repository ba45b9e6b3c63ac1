/**
 * The conditioner's API (lab traffic, counted under `lab`):
 * - `GET /api/network` — port, profile, rttMs, jitterMs, downKbps, upKbps (+ faults, openConnections);
 * - `PUT /api/network` — `{"profile":"fast-4g"}` or `{"profile":"custom","rttMs":…}`; applies at once, open connections too;
 * - `POST /api/network/faults` — `{"action":"drop-all"|"stall"|"chaos"|"calm",…}`; answers the state;
 * - `GET /api/network/profiles` — the named profiles with what to notice in each;
 * - `GET /api/network/connections` — open and recent connections with their byte counts.
 */
import type { FastifyInstance } from 'fastify';
import { LabErrors } from '../errors.ts';
import type { Conditioner } from './conditioner.ts';
import { parseFaultRequest } from './network-faults.ts';
import { NETWORK_PROFILES } from './network-profiles.ts';
import type { NetworkRequest } from './network-settings.ts';

export interface NetworkRoutesOptions {
  conditioner: Conditioner;
}

export async function networkRoutes(app: FastifyInstance, { conditioner }: NetworkRoutesOptions): Promise<void> {
  app.get('/api/network', () => conditioner.state());

  app.put('/api/network', { config: { control: true } }, (request) => {
    const body = request.body;
    // A bare string is a profile name only for code (the lab's `network` option); the API takes objects.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw LabErrors.BAD_NETWORK('send a JSON object such as {"profile":"fast-4g"}');
    }
    conditioner.update(body as NetworkRequest);
    return conditioner.state();
  });

  app.post('/api/network/faults', { config: { control: true } }, (request) => {
    conditioner.fault(parseFaultRequest(request.body));
    return conditioner.state();
  });

  app.get('/api/network/profiles', () => Object.values(NETWORK_PROFILES));

  app.get('/api/network/connections', () => conditioner.connections());
}
