/**
 * Where a load run from the dashboard connects: the lab's own address on
 * loopback, never anything else. A lab bound to every interface is reached
 * over loopback; a lab bound to one LAN address only has no loopback to use,
 * so the run is refused rather than sent over the network.
 */
import type { AddressInfo } from 'node:net';
import { LabErrors } from '../errors.ts';

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The lab's base URL on loopback, e.g. `http://127.0.0.1:3000`. @throws LAB_ERR_LOAD_NOT_LOOPBACK */
export function loadTargetUrl(address: AddressInfo | string | null): string {
  if (address === null || typeof address === 'string') {
    throw LabErrors.LOAD_NOT_LOOPBACK(
      'the lab is not listening on a TCP port, so a load run has nothing to connect to',
    );
  }
  const { address: host, port } = address;
  // Every interface includes loopback; the same choice as the conditioner's target (server/app.ts).
  if (host === '0.0.0.0') return `http://127.0.0.1:${port}`;
  if (host === '::' || host === '::1') return `http://[::1]:${port}`;
  if (LOOPBACK_V4.test(host)) return `http://${host}:${port}`;
  const mapped = /^::ffff:(127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/i.exec(host)?.[1];
  if (mapped) return `http://${mapped}:${port}`;
  throw LabErrors.LOAD_NOT_LOOPBACK(
    `the lab listens on ${host} only, not on a loopback address; a load run only ever targets this machine's loopback`,
  );
}
