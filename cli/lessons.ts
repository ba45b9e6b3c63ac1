/**
 * `npm run lessons`: every claim of the notes as an experiment, judged from
 * the lab's own measurements. Without --url it starts a seeded lab with a
 * network conditioner on free loopback ports; with --url it uses a running
 * one (loopback only) and restores its feed and network after each lesson.
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lessonMarkdown } from '../lessons/lesson-markdown.ts';
import { findLesson } from '../lessons/lesson-registry.ts';
import type { LabEndpoints } from '../lessons/measure-feed-run.ts';
import { type LessonResult, runLesson } from '../lessons/run-lesson.ts';
import { runCli, writeOutput } from '../load/cli-support.ts';
import { readStatus } from '../load/lab-api.ts';
import { LAB_CERTS_FOLDER } from '../server/tls/lab-certificate.ts';
import { LESSONS_USAGE, type LessonsFlags, parseLessonsFlags } from './lessons-flags.ts';
import { formatLessonsTable, lessonsJson } from './lessons-table.ts';

interface OpenLab extends LabEndpoints {
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const flags = parseLessonsFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(`${LESSONS_USAGE}\n`);
    return;
  }
  // Imported once the flags are good: the lab, undici and Chromium's driver take seconds to load, a flag error none.
  const { nodeLessonDriver } = await import('./node-lesson-driver.ts');
  const lab = await openLab(flags);
  const results: LessonResult[] = [];
  try {
    const driver = nodeLessonDriver(lab);
    for (const id of flags.only) {
      const lesson = findLesson(id);
      if (!lesson) continue;
      process.stderr.write(`lesson ${id}: ${lesson.claim}\n`);
      const result = await runLesson(lesson, driver, (index, run) =>
        process.stderr.write(`  run ${index + 1}/${lesson.plan.length}: ${run.label}\n`),
      );
      process.stderr.write(`  → ${result.judgement?.verdict ?? `no verdict (${result.unavailable?.reason})`}\n`);
      results.push(result);
    }
  } finally {
    await lab.close();
  }
  if (flags.markdown !== undefined) {
    const text = results
      .map((result) => {
        const lesson = findLesson(result.id);
        return lesson ? lessonMarkdown(lesson, result) : '';
      })
      .join('\n');
    const path = await writeOutput(flags.markdown, `# Transport Lab: lessons\n\n${text}`);
    process.stderr.write(`Markdown written to ${path}\n`);
  }
  process.stdout.write(flags.json ? `${JSON.stringify(lessonsJson(results), null, 2)}\n` : formatLessonsTable(results));
}

/** A seeded lab of our own with a conditioner on free loopback ports, or the running one at --url. */
async function openLab(flags: LessonsFlags): Promise<OpenLab> {
  if (flags.url === undefined) {
    const [{ buildApp }, { loadScenario }, { createSelfSignedCertificate }] = await Promise.all([
      import('../server/app.ts'),
      import('../server/feed/scenario.ts'),
      import('../server/tls/self-signed-certificate.ts'),
    ]);
    // HTTPS ports too, for the HTTP/2 lessons (a certificate of the run's own, in memory).
    const certificate = createSelfSignedCertificate();
    const app = await buildApp({
      scenario: loadScenario('stock-ticker'),
      seed: flags.seed,
      conditionerPort: 0,
      https: { h2Port: 0, http1Port: 0, certificate },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const conditionerPort = await app.conditioner.ready();
    const httpsPorts = await app.httpsReady();
    const { port } = app.server.address() as { port: number };
    return {
      labUrl: `http://127.0.0.1:${port}`,
      conditionerUrl: conditionerPort === null ? null : `http://127.0.0.1:${conditionerPort}`,
      https: httpsPorts
        ? {
            h2Url: `https://127.0.0.1:${httpsPorts.h2Port}`,
            http1Url: `https://127.0.0.1:${httpsPorts.http1Port}`,
            certificatePem: certificate.cert,
          }
        : null,
      close: () => app.close(),
    };
  }
  const labUrl = flags.url;
  await readStatus(labUrl);
  const network = await fetch(`${labUrl}/api/network`, { signal: AbortSignal.timeout(5000) });
  const port = network.ok ? ((await network.json()) as { port: number | null }).port : null;
  const url = new URL(labUrl);
  return {
    labUrl,
    conditionerUrl: port === null ? null : `${url.protocol}//${url.hostname}:${port}`,
    https: await httpsOf(labUrl),
    close: async () => {},
  };
}

/** A running lab's HTTPS ports (`GET /api/https`) and the certificate it keeps in .lab-certs; null without them. */
async function httpsOf(labUrl: string): Promise<LabEndpoints['https']> {
  const answer = await fetch(`${labUrl}/api/https`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  const ports = answer?.ok ? ((await answer.json()) as { h2Port: number | null; http1Port: number | null }) : null;
  if (ports?.h2Port == null || ports.http1Port == null || !existsSync(path.join(LAB_CERTS_FOLDER, 'cert.pem'))) {
    return null;
  }
  const { hostname } = new URL(labUrl);
  return {
    h2Url: `https://${hostname}:${ports.h2Port}`,
    http1Url: `https://${hostname}:${ports.http1Port}`,
    certificatePem: readFileSync(path.join(LAB_CERTS_FOLDER, 'cert.pem'), 'utf8'),
  };
}

runCli(main);
