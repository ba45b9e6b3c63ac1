/**
 * Suites that need the machine's redis-server and nginx (the cluster's
 * tests): skipped with a line saying why and how to install them, except
 * under `CI=true`, where a missing service is a failing test (.ci/run
 * installs both), as describeInChromium does for the browser.
 */
import { describe, it } from 'vitest';
import { findNginx, findRedisServer, SERVICES_INSTALL_HINT } from '../../cluster/service-binaries.ts';

export function describeWithServices(name: string, needs: ('redis-server' | 'nginx')[], body: () => void): void {
  const missing = needs.filter((service) => (service === 'nginx' ? findNginx() : findRedisServer()) === null);
  if (missing.length === 0) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(`${name} (CI)`, () => {
      it(`finds ${needs.join(' and ')}`, () => {
        throw new Error(`CI=true but ${missing.join(' and ')} was not found. ${SERVICES_INSTALL_HINT}`);
      });
    });
  } else {
    const why = `${missing.join(' and ')} not found. ${SERVICES_INSTALL_HINT}`;
    console.warn(`[${name}] skipped: ${why}`);
    describe.skip(`${name} — skipped: ${why}`, () => {
      it(`needs ${needs.join(' and ')}`, () => {});
    });
  }
}
