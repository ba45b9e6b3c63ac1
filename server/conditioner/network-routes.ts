/**
 * The conditioner's API (lab traffic, counted under `lab`):
 * - `GET /api/network` — port, profile, rttMs, jitterMs, downKbps, upKbps (+ faults, openConnections);
 * - `PUT /api/network` — `{"profile":"fast-4g"}` or `{"profile":"custom","rttMs":…}`, and/or `{"websocketBlocked":true}`;
 *   applies at once, open connections too (a blocked switch refuses the next `Upgrade` requests);
 * - `POST /api/network/faults` — `{"action":"drop-all"|"stall"|"chaos"|"calm",…}`; answers the state;
 * - `GET /api/network/profiles` — the named profiles with what to notice in each;
 * - `GET /api/network/connections` — open and recent connections with their byte counts.
 */
import type { FastifyInstance } from 'fastify';
import type { FaultRequest } from '../../protocol/network-state.ts';
import { LabErrors } from '../errors.ts';
import type { SegmentLog } from '../segment-log.ts';
import type { Conditioner } from './conditioner.ts';
import { parseFaultRequest } from './network-faults.ts';
import { NETWORK_PROFILES } from './network-profiles.ts';
import { applyNetworkRequest, type NetworkRequest, type NetworkSettings } from './network-settings.ts';

export interface NetworkRoutesOptions {
  conditioner: Conditioner;
  /** A change of shape and every fault start a new segment. */
  segments: SegmentLog;
}

export async function networkRoutes(
  app: FastifyInstance,
  { conditioner, segments }: NetworkRoutesOptions,
): Promise<void> {
  app.get('/api/network', () => conditioner.state());

  app.put('/api/network', { config: { control: true } }, (request) => {
    const body = request.body;
    // A bare string is a profile name only for code (the lab's `network` option); the API takes objects.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw LabErrors.BAD_NETWORK('send a JSON object such as {"profile":"fast-4g"}');
    }
    const change = body as NetworkRequest;
    const before = conditioner.state();
    const next = applyNetworkRequest(before, change);
    if (shapeDiffers(before, next)) segments.change('network', networkLabel(next), () => conditioner.update(change));
    else conditioner.update(change);
    return conditioner.state();
  });

  app.post('/api/network/faults', { config: { control: true } }, (request) => {
    const fault = parseFaultRequest(request.body);
    segments.change('fault', faultLabel(fault), () => conditioner.fault(fault));
    return conditioner.state();
  });

  app.get('/api/network/profiles', () => Object.values(NETWORK_PROFILES));

  app.get('/api/network/connections', () => conditioner.connections());
}

function shapeDiffers(a: NetworkSettings, b: NetworkSettings): boolean {
  return (
    a.profile !== b.profile ||
    a.rttMs !== b.rttMs ||
    a.jitterMs !== b.jitterMs ||
    a.downKbps !== b.downKbps ||
    a.upKbps !== b.upKbps ||
    a.websocketBlocked !== b.websocketBlocked
  );
}

/** The boundary marker's words: the profile's name, or a custom link's round trip. */
function networkLabel(settings: NetworkSettings): string {
  const link = settings.profile === 'custom' ? `custom +${settings.rttMs} ms` : settings.profile;
  return settings.websocketBlocked ? `${link}, WebSocket blocked` : link;
}

function faultLabel(fault: FaultRequest): string {
  if (fault.action === 'stall') return `stall ${fault.seconds} s`;
  if (fault.action === 'chaos') return `chaos every ${fault.everySeconds} s`;
  return fault.action;
}
