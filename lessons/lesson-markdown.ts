/**
 * A lesson's result as Markdown a student can hand in: the claim, the
 * conditions, the prediction against the outcome, the verdict, the measured
 * numbers beside the theory, and how to try it yourself.
 */
import type { Figure, Lesson } from './lesson.ts';
import type { LessonResult } from './run-lesson.ts';

export const VERDICT_WORDS = {
  holds: 'holds',
  'holds-if': 'holds only if …',
  'does-not-hold': 'does not hold',
} as const;

/**
 * @param predicted the id of the choice the learner picked before running, if any
 */
export function lessonMarkdown(lesson: Lesson, result: LessonResult, predicted?: string): string {
  const lines: string[] = [`## Lesson: ${lesson.claim}`, '', `_${lesson.does}_`, '', '### Conditions', ''];
  for (const condition of result.conditions) lines.push(`- ${condition}`);
  lines.push('', '### Prediction', '', lesson.prediction.question, '');
  const right = result.judgement?.rightChoice;
  for (const choice of lesson.prediction.choices) {
    const marks = [choice.id === predicted ? 'my prediction' : '', choice.id === right ? 'measured' : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`- ${choice.text}${marks ? ` — **${marks}**` : ''}`);
  }
  if (predicted !== undefined && right !== undefined) {
    lines.push('', predicted === right ? 'The prediction was right.' : 'The prediction was wrong.');
  }
  lines.push('', '### Verdict', '');
  const judgement = result.judgement;
  if (!judgement) {
    lines.push(
      `No verdict: ${result.unavailable?.reason ?? 'not measured'}.`,
      '',
      `Hint: ${result.unavailable?.hint ?? ''}`,
    );
  } else {
    const condition = judgement.verdict === 'holds-if' ? `: ${judgement.condition}` : '';
    lines.push(`**${VERDICT_WORDS[judgement.verdict]}**${condition}`, '', judgement.sentence, '');
    lines.push('| figure | measured | theory |', '| --- | --- | --- |');
    const names = [...new Set([...Object.keys(judgement.measured), ...Object.keys(judgement.theory)])];
    for (const name of names) {
      lines.push(`| ${name} | ${cell(judgement.measured[name])} | ${cell(judgement.theory[name])} |`);
    }
  }
  lines.push('', '### Try it yourself', '', `\`${lesson.tryIt.replaceAll('`', "'")}\``, '');
  return lines.join('\n');
}

function cell(value: Figure | undefined): string {
  if (value === undefined || value === null) return '–';
  return String(value).replaceAll('|', '\\|');
}
