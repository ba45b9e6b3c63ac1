/** The bundled doc's Markdown becomes a title and paragraphs; the real doc keeps its shape. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plainMarkdown } from './plain-markdown.ts';

describe('plain Markdown', () => {
  it('takes the # title and joins each paragraph’s lines', () => {
    expect(plainMarkdown('# Title\n\nOne line\nand the next.\n\nSecond `code` here.\n')).toEqual({
      title: 'Title',
      paragraphs: [
        [{ text: 'One line and the next.', code: false }],
        [
          { text: 'Second ', code: false },
          { text: 'code', code: true },
          { text: ' here.', code: false },
        ],
      ],
    });
  });

  it('reads docs/connection-limit.md as the page shows it', () => {
    const doc = plainMarkdown(readFileSync(new URL('../../docs/connection-limit.md', import.meta.url), 'utf8'));
    expect(doc.title).toBe('Six connections per origin');
    expect(doc.paragraphs.length).toBeGreaterThan(0);
    expect(
      doc.paragraphs
        .flat()
        .map((p) => p.text)
        .join(''),
    ).toContain('six');
  });
});
