/**
 * Just enough Markdown for a short doc bundled into the page: a `# title`
 * and paragraphs separated by blank lines; `code` spans are kept as marked
 * parts so the page can set them in monospace.
 */

export interface PlainDoc {
  title: string;
  /** Each paragraph as parts: plain text, or code (`code: true`). */
  paragraphs: Array<Array<{ text: string; code: boolean }>>;
}

export function plainMarkdown(source: string): PlainDoc {
  const blocks = source
    .replace(/\r\n/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter((block) => block !== '');
  let title = '';
  if (blocks[0]?.startsWith('# ')) title = (blocks.shift() ?? '').slice(2).trim();
  const paragraphs = blocks.map((block) =>
    block
      .replace(/\s*\n\s*/g, ' ')
      .split(/(`[^`]+`)/)
      .filter((part) => part !== '')
      .map((part) =>
        part.startsWith('`') && part.endsWith('`')
          ? { text: part.slice(1, -1), code: true }
          : { text: part, code: false },
      ),
  );
  return { title, paragraphs };
}
