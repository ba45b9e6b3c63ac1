/**
 * The lesson files as the dashboard will use them: one file per lesson named
 * after its id, well-formed predictions, at most 30 s of measuring, nothing
 * imported that a browser cannot load, and a result that exports as Markdown.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lessonMarkdown } from '../lessons/lesson-markdown.ts';
import { LESSONS } from '../lessons/lesson-registry.ts';
import type { LessonResult } from '../lessons/run-lesson.ts';
import { websocketUpgradeSameConnection } from '../lessons/websocket-upgrade-same-connection.ts';

const LESSONS_DIR = new URL('../lessons/', import.meta.url);
const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

describe('the lesson registry', () => {
  it.each(LESSONS.map((lesson) => [lesson.id, lesson] as const))('%s is well formed', (id, lesson) => {
    expect(id).toMatch(KEBAB);
    const source = readFileSync(new URL(`${id}.ts`, LESSONS_DIR), 'utf8');
    expect(source).toContain('satisfies Lesson');
    const { choices } = lesson.prediction;
    expect(choices.length).toBeGreaterThanOrEqual(2);
    expect(choices.length).toBeLessThanOrEqual(4);
    expect(new Set(choices.map((c) => c.id)).size).toBe(choices.length);
    const measuredS = lesson.plan.reduce((sum, run) => sum + (run.kind === 'feed' ? run.durationS : run.holdS), 0);
    expect(measuredS).toBeLessThanOrEqual(30);
    expect(lesson.tryIt.length).toBeGreaterThan(10);
  });

  it('lists every lesson file once, under unique ids', () => {
    const files = readdirSync(LESSONS_DIR)
      .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
      .map((name) => name.replace(/\.ts$/, ''));
    const engine = [
      'lesson',
      'lesson-registry',
      'run-lesson',
      'lesson-markdown',
      'lab-lesson-driver',
      'measure-feed-run',
    ];
    expect(files.filter((name) => !engine.includes(name)).sort()).toEqual(LESSONS.map((l) => l.id).sort());
  });
});

describe('lessons/ runs in the browser too', () => {
  it('imports only itself, protocol/ and clients/ (never Node, server/, web/ or the Node client env)', () => {
    for (const name of readdirSync(LESSONS_DIR).filter((n) => n.endsWith('.ts'))) {
      const source = readFileSync(new URL(name, LESSONS_DIR), 'utf8');
      for (const [, from] of source.matchAll(/from '([^']+)'/g)) {
        expect(from, `${name} imports ${from}`).toMatch(/^(\.\/|\.\.\/protocol\/|\.\.\/clients\/)/);
        expect(from, `${name} imports ${from}`).not.toContain('node-env');
      }
    }
  });
});

describe('a lesson result as Markdown', () => {
  const result: LessonResult = {
    id: websocketUpgradeSameConnection.id,
    claim: websocketUpgradeSameConnection.claim,
    conditions: ['stock-ticker at 10 events/s, one WebSocket'],
    judgement: {
      verdict: 'holds',
      rightChoice: 'one',
      measured: { requests: 1, connections: 1, statusLine: 'HTTP/1.1 101 Switching Protocols' },
      theory: { requests: 1 },
      sentence: 'The upgrade and 41 frames crossed 1 TCP connection.',
    },
    unavailable: null,
    measurements: [],
    elapsedMs: 4200,
  };

  it('has the claim, the conditions, the prediction against the outcome, the verdict, the numbers and the try-it line', () => {
    const text = lessonMarkdown(websocketUpgradeSameConnection, result, 'two');
    expect(text).toContain(`## Lesson: ${websocketUpgradeSameConnection.claim}`);
    expect(text).toContain('- stock-ticker at 10 events/s, one WebSocket');
    expect(text).toContain('- One — **measured**');
    expect(text).toContain('- Two: one for HTTP, one for WebSocket — **my prediction**');
    expect(text).toContain('The prediction was wrong.');
    expect(text).toContain('**holds**');
    expect(text).toContain('| requests | 1 | 1 |');
    expect(text).toContain('| statusLine | HTTP/1.1 101 Switching Protocols | – |');
    expect(text).toContain('### Try it yourself');
  });

  it('says why there is no verdict instead of making one up', () => {
    const text = lessonMarkdown(websocketUpgradeSameConnection, {
      ...result,
      judgement: null,
      unavailable: { reason: 'no Chromium was found', hint: 'apt-get install chromium' },
    });
    expect(text).toContain('No verdict: no Chromium was found.');
    expect(text).toContain('Hint: apt-get install chromium');
    expect(text).not.toContain('**holds**');
  });
});
