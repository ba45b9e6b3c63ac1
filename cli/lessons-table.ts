/**
 * `npm run lessons` output: a table of claim, verdict and key numbers, then
 * each lesson's sentence; and the `--json` shape.
 */
import type { Figure } from '../lessons/lesson.ts';
import type { LessonResult } from '../lessons/run-lesson.ts';

/** How many measured figures the table shows per lesson (the sentence below has them all). */
const KEY_FIGURES = 3;
const CLAIM_WIDTH = 56;

export interface LessonsJson {
  lessons: {
    id: string;
    claim: string;
    /** null when the lesson could not be judged here (`unavailable` says why). */
    verdict: 'holds' | 'holds-if' | 'does-not-hold' | null;
    condition: string | null;
    conditions: string[];
    measured: Record<string, Figure>;
    theory: Record<string, Figure>;
    sentence: string | null;
    rightChoice: string | null;
    unavailable: { reason: string; hint: string } | null;
    elapsedMs: number;
  }[];
}

export function lessonsJson(results: LessonResult[]): LessonsJson {
  return {
    lessons: results.map((r) => ({
      id: r.id,
      claim: r.claim,
      verdict: r.judgement?.verdict ?? null,
      condition: r.judgement?.condition ?? null,
      conditions: r.conditions,
      measured: r.judgement?.measured ?? {},
      theory: r.judgement?.theory ?? {},
      sentence: r.judgement?.sentence ?? null,
      rightChoice: r.judgement?.rightChoice ?? null,
      unavailable: r.unavailable,
      elapsedMs: r.elapsedMs,
    })),
  };
}

export function formatLessonsTable(results: LessonResult[]): string {
  const rows = results.map((r) => [
    cut(r.claim, CLAIM_WIDTH),
    r.judgement?.verdict ?? 'no verdict',
    r.judgement
      ? Object.entries(r.judgement.measured)
          .slice(0, KEY_FIGURES)
          .map(([name, value]) => `${name} ${String(value)}`)
          .join(', ')
      : (r.unavailable?.reason ?? ''),
  ]);
  const header = ['claim', 'verdict', 'key numbers'];
  const widths = [0, 1].map((i) => Math.max(header[i]?.length ?? 0, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w)).concat('-'.repeat(11))), ...rows.map(line), ''];
  for (const r of results) {
    out.push(`${r.id}: ${r.judgement?.verdict ?? 'no verdict'}`);
    if (r.judgement?.condition) out.push(`  holds only if: ${r.judgement.condition}`);
    if (r.judgement) out.push(`  ${r.judgement.sentence}`);
    if (r.unavailable) out.push(`  ${r.unavailable.reason}`, `  hint: ${r.unavailable.hint}`);
  }
  return `${out.join('\n')}\n`;
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
