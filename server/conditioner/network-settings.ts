/**
 * The conditioner's settings and their one validation, shared by
 * `PUT /api/network` and the lab's `network` option. A mistake is a
 * LAB_ERR_BAD_NETWORK whose message names the field.
 */

import type { LinkShape } from '../../protocol/network-state.ts';
import { LabErrors } from '../errors.ts';
import {
  isNetworkProfileName,
  NETWORK_PROFILE_NAMES,
  NETWORK_PROFILES,
  type NetworkProfileId,
} from './network-profiles.ts';

export interface NetworkSettings extends LinkShape {
  profile: NetworkProfileId;
  /** Refuse every `Upgrade` request (403), as some proxies do. Default false; a profile change keeps it. */
  websocketBlocked: boolean;
}

/**
 * A requested change: a profile name (`"fast-4g"`), or an object as the PUT
 * body. `{"profile":"custom", …}` (or no `profile` at all) sets the given
 * fields and keeps the others; a named profile takes all its values.
 */
export type NetworkRequest = NetworkProfileId | Partial<Record<keyof NetworkSettings, unknown>>;

const SHAPE_FIELDS = ['rttMs', 'jitterMs', 'downKbps', 'upKbps'] as const satisfies readonly (keyof LinkShape)[];
const ALLOWED_FIELDS = new Set<string>(['profile', 'websocketBlocked', ...SHAPE_FIELDS]);

/** Upper bounds: beyond them clients would time out rather than teach anything. */
const LIMITS: Record<keyof LinkShape, { max: number; unit: string }> = {
  rttMs: { max: 10_000, unit: 'ms' },
  jitterMs: { max: 5_000, unit: 'ms' },
  downKbps: { max: 10_000_000, unit: 'kbit/s' },
  upKbps: { max: 10_000_000, unit: 'kbit/s' },
};
/** Below this a bandwidth (other than 0 = unlimited) would take minutes per request head. */
const MIN_KBPS = 8;

/** The settings of a named profile. */
export function profileSettings(profile: keyof typeof NETWORK_PROFILES): NetworkSettings {
  const { rttMs, jitterMs, downKbps, upKbps } = NETWORK_PROFILES[profile];
  return { profile, rttMs, jitterMs, downKbps, upKbps, websocketBlocked: false };
}

/** The settings after applying `request` to `current`; throws LAB_ERR_BAD_NETWORK naming the bad field. */
export function applyNetworkRequest(current: NetworkSettings, request: NetworkRequest): NetworkSettings {
  const body = typeof request === 'string' ? { profile: request } : request;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw LabErrors.BAD_NETWORK('send a JSON object such as {"profile":"fast-4g"}');
  }
  for (const key of Object.keys(body)) {
    if (!ALLOWED_FIELDS.has(key)) {
      throw LabErrors.BAD_NETWORK(
        `unknown field "${key}"; allowed: profile, ${SHAPE_FIELDS.join(', ')}, websocketBlocked`,
      );
    }
  }
  const blocked = body.websocketBlocked ?? current.websocketBlocked;
  if (typeof blocked !== 'boolean') {
    throw LabErrors.BAD_NETWORK(`"websocketBlocked" must be true or false (got ${JSON.stringify(blocked)})`);
  }
  // The switch alone keeps the link as it is (a named profile stays named).
  if (body.profile === undefined && SHAPE_FIELDS.every((field) => body[field] === undefined)) {
    return { ...current, websocketBlocked: blocked };
  }
  const profile = body.profile ?? 'custom';
  if (profile !== 'custom' && !isNetworkProfileName(profile)) {
    throw LabErrors.BAD_NETWORK(
      `"profile" must be one of ${[...NETWORK_PROFILE_NAMES, 'custom'].join(', ')} (got ${JSON.stringify(profile)})`,
    );
  }
  if (profile !== 'custom') {
    const extra = SHAPE_FIELDS.find((field) => body[field] !== undefined);
    if (extra) {
      throw LabErrors.BAD_NETWORK(
        `"${extra}" can only be set with "profile":"custom" (profile "${profile}" has its own values)`,
      );
    }
    return { ...profileSettings(profile), websocketBlocked: blocked };
  }
  const next: NetworkSettings = { ...current, profile: 'custom', websocketBlocked: blocked };
  for (const field of SHAPE_FIELDS) {
    const value = body[field];
    if (value !== undefined) next[field] = checkedField(field, value);
  }
  return next;
}

function checkedField(field: keyof LinkShape, value: unknown): number {
  const { max, unit } = LIMITS[field];
  const isBandwidth = field === 'downKbps' || field === 'upKbps';
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= max &&
    (!isBandwidth || value === 0 || value >= MIN_KBPS);
  if (!ok) {
    const range = isBandwidth ? `0 (unlimited) or ${MIN_KBPS} to ${max}` : `0 to ${max}`;
    throw LabErrors.BAD_NETWORK(
      `"${field}" must be a number from ${range} ${unit} (got ${JSON.stringify(value) ?? 'nothing'})`,
    );
  }
  return value as number;
}
