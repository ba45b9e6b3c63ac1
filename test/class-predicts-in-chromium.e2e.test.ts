/**
 * The class predicts, in a real browser: a lab in this process (conditioner,
 * teacher token) and Debian's Chromium with six people in it — the teacher
 * and a class of five students, each a browser context of their own (two on
 * laptops, three on phones). The teacher asks a lesson's question; every
 * student page shows it and takes one prediction (one student changes theirs);
 * the teacher's page shows the distribution live; the run closes the votes;
 * the reveal puts the measured answer beside the votes on every page.
 * Saves the teacher's stage and a student's phone during the round to
 * test-artifacts/ for a human to look at.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { findLesson } from '../lessons/lesson-registry.ts';
import type { ClassRoundView } from '../protocol/class-round.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOKEN = 'predict-teacher-token';
/** A 4-second lesson that runs in a page (the dashboard e2e runs it too). */
const LESSON_ID = 'websocket-upgrade-same-connection';
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1280, height: 720 };
/** Each student's first pick and, for one of them, the changed mind; one polls at an interval of their own. */
const PICKS = [
  { size: LAPTOP, first: 'one', search: '?interval=250' },
  { size: LAPTOP, first: 'two' },
  { size: PHONE, first: 'one' },
  { size: PHONE, first: 'many', changeTo: 'one' },
  { size: PHONE, first: 'two' },
] as const;

describeInChromium('the class predicts, in Chromium', (executable) => {
  const lesson = findLesson(LESSON_ID);
  if (!lesson) throw new Error(`no lesson ${LESSON_ID}`);
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;
  let teacher: Page;
  const students: Page[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  const watch = (page: Page): Page => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  };
  const serverRound = async (): Promise<ClassRoundView> =>
    (await fetch(`${url}api/class/round`)).json() as Promise<ClassRoundView>;
  /** The final votes, from PICKS: each student's last choice. */
  const expected = (): Record<string, number> => {
    const votes: Record<string, number> = Object.fromEntries(lesson.prediction.choices.map((c) => [c.id, 0]));
    for (const pick of PICKS) {
      const last = 'changeTo' in pick ? pick.changeTo : pick.first;
      votes[last] = (votes[last] ?? 0) + 1;
    }
    return votes;
  };
  const shownVotes = (page: Page): Promise<Record<string, number>> =>
    page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-round-choice]')].map((row) => [
          row.getAttribute('data-round-choice'),
          Number(row.querySelector('[data-round-count]')?.textContent),
        ]),
      ),
    );

  /** axe-core's critical and serious violations inside the round's panel. */
  const roundViolations = async (page: Page): Promise<string[]> => {
    await page.addScriptTag({ path: AXE_SOURCE });
    return page.evaluate(async () => {
      const { axe } = window as unknown as {
        axe: {
          run: (
            context: Element,
            options: object,
          ) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string }> }>;
        };
      };
      const panel = document.querySelector('[data-class-round]');
      if (!panel) return ['no round panel'];
      const result = await axe.run(panel, { resultTypes: ['violations'] });
      return result.violations
        .filter((v) => v.impact === 'critical' || v.impact === 'serious')
        .map((v) => `${v.id}: ${v.help}`);
    });
  };

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 7, conditionerPort: 0, teacherToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    await app.conditioner.ready();
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchBrowser(executable);
    teacher = watch(browser.context.pages()[0] ?? (await browser.context.newPage()));
    mkdirSync(ARTIFACTS, { recursive: true });
    await teacher.goto(`${url}?token=${TOKEN}&lesson=${LESSON_ID}`);
    for (const pick of PICKS) {
      const context = await browser.newContext();
      contexts.push(context);
      const student = watch(await context.newPage());
      await student.setViewportSize(pick.size);
      await student.goto(`${url}${'search' in pick ? pick.search : ''}`);
      students.push(student);
    }
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await app?.close();
  });

  it('before a round, no page shows a question', async () => {
    await teacher.locator(`[data-lesson="${LESSON_ID}"] [data-control="class-ask"]`).waitFor({ timeout: 20_000 });
    for (const student of students) {
      await student.locator('[data-view="phone"], [data-control="stage-view"]').first().waitFor({ timeout: 20_000 });
      expect(await student.locator('[data-class-round]').count()).toBe(0);
      // Only the teacher may ask the class.
      expect(await student.locator('[data-control="class-ask"]').count()).toBe(0);
    }
  }, 60_000);

  it('the teacher asks: every student page shows the question and its choices, and takes one prediction', async () => {
    await teacher.locator(`[data-lesson="${LESSON_ID}"] [data-control="class-ask"]`).click();
    await teacher.locator('[data-class-round="asking"][data-round-access="teacher"]').waitFor({ timeout: 5_000 });
    for (const [i, student] of students.entries()) {
      const round = student.locator('[data-class-round="asking"][data-round-access="student"]');
      await round.waitFor({ timeout: 10_000 });
      await expect(round.locator('legend').textContent()).resolves.toBe(lesson.prediction.question);
      const choices = round.locator('[data-control="round-choice"]');
      await expect(choices.count()).resolves.toBe(lesson.prediction.choices.length);
      const pick = PICKS[i];
      if (!pick) throw new Error('a student without a pick');
      await round.locator(`[data-control="round-choice"][value="${pick.first}"]`).check();
      await round.locator(`[data-round-yours="${pick.first}"]`).waitFor({ timeout: 5_000 });
    }
    // One student changes their mind before the run.
    const changer = PICKS.findIndex((p) => 'changeTo' in p);
    const student = students[changer];
    if (!student) throw new Error('no student changes their mind');
    await student.locator('[data-control="round-choice"][value="one"]').check();
    await student.locator('[data-round-yours="one"]').waitFor({ timeout: 5_000 });
    expect((await serverRound()).votes).toEqual(expected());
    // A student sees no one else's prediction until the reveal.
    expect(await students[0]?.locator('[data-round-votes]').count()).toBe(0);
  }, 60_000);

  it("the teacher's page shows the distribution live: counts per choice and how many answered", async () => {
    await teacher.waitForFunction(
      () => document.querySelector('[data-round-answered]')?.textContent === '5',
      undefined,
      {
        timeout: 10_000,
      },
    );
    // The changed mind arrives with the page's next read (every 2 s): the count of answers stays 5 meanwhile.
    await expect.poll(() => shownVotes(teacher), { timeout: 10_000 }).toEqual(expected());
    expect(await roundViolations(teacher)).toEqual([]);
    await teacher.locator('[data-class-round]').screenshot({ path: join(ARTIFACTS, 'class-round-teacher-asking.png') });
    // The teacher's stage at a projector's size: the votes take the chart's place, on one screen.
    const stage = watch(await browser.context.newPage());
    try {
      await stage.setViewportSize(LAPTOP);
      await stage.goto(`${url}?token=${TOKEN}&view=stage`);
      const panel = stage.locator('[data-view="stage"] [data-class-round="asking"]');
      await panel.waitFor({ timeout: 10_000 });
      await stage.waitForFunction(
        () => document.querySelector('[data-round-answered]')?.textContent === '5',
        undefined,
        {
          timeout: 10_000,
        },
      );
      await expect.poll(() => shownVotes(stage), { timeout: 10_000 }).toEqual(expected());
      const fits = await stage.evaluate(() => ({
        scrollHeight: document.documentElement.scrollHeight,
        scrollWidth: document.documentElement.scrollWidth,
        bottom:
          document.querySelector('[data-round-votes]')?.getBoundingClientRect().bottom ?? Number.POSITIVE_INFINITY,
      }));
      expect(fits.scrollWidth).toBeLessThanOrEqual(LAPTOP.width);
      expect(fits.scrollHeight).toBeLessThanOrEqual(LAPTOP.height);
      expect(fits.bottom).toBeLessThanOrEqual(LAPTOP.height);
      expect(await roundViolations(stage)).toEqual([]);
      await stage.screenshot({ path: join(ARTIFACTS, 'class-round-stage-1280x720.png') });
    } finally {
      await stage.close();
    }
    const phone = students[2];
    if (!phone) throw new Error('no phone');
    await phone.screenshot({ path: join(ARTIFACTS, 'class-round-phone-390x844.png') });
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBe(PHONE.width);
    expect(await roundViolations(phone)).toEqual([]);
    // Every choice is a thumb-sized target.
    const heights = await phone
      .locator('[data-control="round-choice"]')
      .evaluateAll((inputs) => inputs.map((input) => (input.closest('label') ?? input).getBoundingClientRect().height));
    for (const height of heights) expect(height).toBeGreaterThanOrEqual(44);
  }, 60_000);

  it("the teacher's class spread keeps the student who polls every 250 ms apart, marked, and says so", async () => {
    const differing = teacher.locator('[data-class-row="short-poll"][data-class-differs][data-class-setting="250"]');
    await differing.waitFor({ state: 'attached', timeout: 20_000 });
    await expect(differing.textContent()).resolves.toContain('interval 250 ms · 1 browser');
    // The rest of the class polls at the teacher's 1000 ms: their row is the teacher's own, unmarked.
    const own = teacher.locator('[data-class-row="short-poll"][data-class-setting="1000"]');
    await expect(own.getAttribute('data-class-differs')).resolves.toBeNull();
    const note = (await teacher.locator('[data-class-differs-note]').textContent()) ?? '';
    expect(note).toMatch(
      /^1 of \d+ browsers runs Short polling with its own interval \(250 ms\) instead of your 1000 ms/,
    );
    // Transports without a client setting stay one row each.
    await expect(teacher.locator('[data-class-row="sse"]').count()).resolves.toBe(1);
    await teacher
      .locator('[data-panel="class"]')
      .screenshot({ path: join(ARTIFACTS, 'class-spread-own-settings.png') });
  }, 40_000);

  it('the run closes the votes: a student can no longer change theirs', async () => {
    await teacher.locator('[data-control="round-run"]').click();
    await teacher.locator('[data-class-round="running"]').waitFor({ timeout: 5_000 });
    const student = students[1];
    if (!student) throw new Error('no student');
    await student.locator('[data-class-round="running"]').waitFor({ timeout: 10_000 });
    await expect(student.locator('[data-control="round-choice"]').first().isDisabled()).resolves.toBe(true);
    expect((await serverRound()).votes).toEqual(expected());
  }, 30_000);

  it('the reveal puts the measured answer beside the votes, on the teacher’s page and every student’s', async () => {
    const reveal = teacher.locator('[data-control="round-reveal"]');
    await teacher.waitForFunction(
      () => {
        const button = document.querySelector('[data-control="round-reveal"]');
        return button instanceof HTMLButtonElement && !button.disabled;
      },
      undefined,
      { timeout: 40_000 },
    );
    await reveal.click();
    await teacher.locator('[data-class-round="revealed"]').waitFor({ timeout: 5_000 });
    const round = await serverRound();
    expect(round.phase).toBe('revealed');
    // The verdict is the lesson's, measured on the teacher's page (its own outcome says the same).
    const measured = await teacher
      .locator(`[data-lesson="${LESSON_ID}"] [data-lesson-outcome] [data-lesson-verdict]`)
      .first()
      .getAttribute('data-lesson-verdict');
    expect(round.verdict?.verdict).toBe(measured);
    const right = round.verdict?.rightChoice;
    expect(lesson.prediction.choices.map((c) => c.id)).toContain(right);
    await expect(
      teacher.locator('[data-class-round] [data-round-verdict]').getAttribute('data-round-verdict'),
    ).resolves.toBe(measured);
    await expect(
      teacher.locator('[data-class-round] [data-round-right]').getAttribute('data-round-choice'),
    ).resolves.toBe(right);
    expect(await shownVotes(teacher)).toEqual(expected());
    await teacher
      .locator('[data-class-round]')
      .screenshot({ path: join(ARTIFACTS, 'class-round-teacher-revealed.png') });

    for (const [i, student] of students.entries()) {
      const pick = PICKS[i];
      if (!pick) throw new Error('a student without a pick');
      const last = 'changeTo' in pick ? pick.changeTo : pick.first;
      await student.locator('[data-class-round="revealed"]').waitFor({ timeout: 10_000 });
      expect(await shownVotes(student)).toEqual(expected());
      await expect(student.locator('[data-round-right]').getAttribute('data-round-choice')).resolves.toBe(right);
      await expect(student.locator('[data-round-you]').getAttribute('data-round-you')).resolves.toBe(
        last === right ? 'right' : 'wrong',
      );
    }
    const phone = students[2];
    if (!phone) throw new Error('no phone');
    expect(await roundViolations(phone)).toEqual([]);
    await phone.screenshot({ path: join(ARTIFACTS, 'class-round-phone-revealed-390x844.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it("on the stage, A asks the class the open lesson's question: a new round, and students see it with no vote yet", async () => {
    const next = findLesson('sse-no-binary');
    if (!next) throw new Error('no lesson sse-no-binary');
    const stage = watch(await browser.context.newPage());
    try {
      await stage.setViewportSize(LAPTOP);
      await stage.goto(`${url}?token=${TOKEN}&view=stage&lesson=${next.id}`);
      await stage.locator('[data-view="stage"][data-access="teacher"]').waitFor({ timeout: 10_000 });
      await stage.locator('body').click({ position: { x: 5, y: 5 } });
      await stage.keyboard.press('a');
      await expect.poll(async () => (await serverRound()).lesson, { timeout: 5_000 }).toBe(next.id);
      expect((await serverRound()).phase).toBe('asking');
      await stage.locator('[data-view="stage"] [data-class-round="asking"]').waitFor({ timeout: 5_000 });
    } finally {
      await stage.close();
    }
    const student = students[0];
    if (!student) throw new Error('no student');
    const round = student.locator(`[data-class-round="asking"][data-round-lesson="${next.id}"]`);
    await round.waitFor({ timeout: 10_000 });
    await expect(round.locator('legend').textContent()).resolves.toBe(next.prediction.question);
    await expect(round.locator('[data-round-yours]').getAttribute('data-round-yours')).resolves.toBe('');
    expect(await round.locator('[data-control="round-choice"]:checked').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 40_000);
});
