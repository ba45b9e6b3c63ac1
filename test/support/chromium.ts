/**
 * The browser suites run only where a Chromium is (cli/chromium-launcher.ts finds and launches it).
 */
import { describe, it } from 'vitest';
import { CHROMIUM_INSTALL_HINT, findChromium } from '../../cli/chromium-launcher.ts';

const INSTALL_HINT = `Install Chromium to run it: ${CHROMIUM_INSTALL_HINT}.`;

/**
 * A browser suite: `body` gets the Chromium to launch. Without one it is skipped
 * with a line saying why and how to install it, except under `CI=true`, where a
 * missing browser is a failing test: CI promises the browser suite ran.
 */
export function describeInChromium(name: string, body: (executable: string) => void): void {
  const executable = findChromium();
  if (executable) {
    describe(name, () => body(executable));
  } else if (process.env.CI === 'true') {
    describe(`${name} (CI)`, () => {
      it('finds a Chromium to run the browser suite', () => {
        throw new Error(`CI=true but no Chromium was found. ${INSTALL_HINT}`);
      });
    });
  } else {
    console.warn(`[${name}] browser suite skipped: no Chromium found. ${INSTALL_HINT}`);
    describe.skip(`${name} — skipped: no Chromium found. ${INSTALL_HINT}`, () => {
      it('needs Chromium', () => {});
    });
  }
}
