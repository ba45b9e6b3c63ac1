/**
 * Suites that need the machine's redis-server and nginx (the cluster's
 * tests): skipped with a line saying why and how to install them, except
 * under `CI=true`, where a missing service is a failing test (.ci/run
 * installs both), as describeInChromium does for the browser.
 */
import { describe, it } from 'vitest';
import { findHaproxy, findNginx, findRedisServer, SERVICES_INSTALL_HINT } from '../../cluster/service-binaries.ts';

const FINDERS = { 'redis-server': findRedisServer, nginx: findNginx, haproxy: findHaproxy };

export function describeWithServices(name: string, needs: (keyof typeof FINDERS)[], body: () => void): void {
  const missing = needs.filter((service) => FINDERS[service]() === null);
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
