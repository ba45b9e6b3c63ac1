/**
 * The lab's HPACK decoder (protocol/hpack-decode.ts) against RFC 7541's own
 * worked examples (Appendix C.3 without Huffman, C.4 with it: three requests
 * on one connection, so the dynamic table carries over) and against the
 * header blocks Node's own http2 client really sends the lab, recorded from
 * the plaintext of a tapped TLS connection and cut out by the test's own
 * frame parser.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHeaders } from '../load/browser-headers.ts';
import {
  decodeHeaderBlock,
  emptyHpackTable,
  type HpackRepresentation,
  type HpackTableState,
  hpackTableBytes,
} from '../protocol/hpack-decode.ts';
import { predictRepeatedBlock } from '../protocol/hpack-repeat-prediction.ts';
import { createSelfSignedCertificate } from '../server/tls/self-signed-certificate.ts';
import { headerBlock, parseFrames } from './support/h2-frames.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';
import { h2Get, tappedH2Session } from './support/tapped-tls-client.ts';

const hex = (text: string): Uint8Array => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const fieldsOf = (representations: HpackRepresentation[]): [string, string][] =>
  representations.flatMap((r) =>
    r.kind === 'indexed' ? [[r.name, r.value]] : r.kind === 'literal' ? [[r.name, r.value.text]] : [],
  ) as [string, string][];
const tableOf = (table: HpackTableState): [string, string][] => table.entries.map((e) => [e.name, e.value]);

/** RFC 7541 Appendix C.3 (raw strings) and C.4 (the same requests, Huffman-coded). */
const RFC_REQUESTS = {
  'C.3': [
    '8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d',
    '8286 84be 5808 6e6f 2d63 6163 6865',
    '8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65',
  ],
  'C.4': [
    '8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff',
    '8286 84be 5886 a8eb 1064 9cbf',
    '8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf',
  ],
};
const RFC_FIELDS: [string, string][][] = [
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
    ['cache-control', 'no-cache'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'https'],
    [':path', '/index.html'],
    [':authority', 'www.example.com'],
    ['custom-key', 'custom-value'],
  ],
];
const RFC_TABLES: { entries: [string, string][]; size: number }[] = [
  { entries: [[':authority', 'www.example.com']], size: 57 },
  {
    entries: [
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    size: 110,
  },
  {
    entries: [
      ['custom-key', 'custom-value'],
      ['cache-control', 'no-cache'],
      [':authority', 'www.example.com'],
    ],
    size: 164,
  },
];

describe('RFC 7541 Appendix C: three requests on one connection', () => {
  for (const [section, blocks] of Object.entries(RFC_REQUESTS)) {
    it(`${section}: every field, every representation and the dynamic table after each block`, () => {
      let table = emptyHpackTable();
      blocks.forEach((block, i) => {
        const decoded = decodeHeaderBlock(hex(block), table);
        expect(fieldsOf(decoded.representations)).toEqual(RFC_FIELDS[i]);
        expect(tableOf(decoded.table)).toEqual(RFC_TABLES[i]?.entries);
        expect(hpackTableBytes(decoded.table.entries)).toBe(RFC_TABLES[i]?.size);
        // The representations tile the block exactly.
        expect(decoded.representations.reduce((n, r) => n + r.bytes, 0)).toBe(hex(block).length);
        table = decoded.table;
      });
    });
  }

  it('C.4.1 says how :authority was sent: a literal with incremental indexing, name from static index 1, value Huffman 12 B for 15', () => {
    const { representations } = decodeHeaderBlock(hex(RFC_REQUESTS['C.4'][0] ?? ''), emptyHpackTable());
    expect(representations.slice(0, 3).map((r) => r.kind === 'indexed' && [r.index, r.table])).toEqual([
      [2, 'static'],
      [6, 'static'],
      [4, 'static'],
    ]);
    const authority = representations[3];
    expect(authority).toMatchObject({
      kind: 'literal',
      indexing: 'incremental',
      nameIndex: 1,
      nameTable: 'static',
      nameLiteral: null,
      value: { text: 'www.example.com', huffman: true, encodedBytes: 12, decodedBytes: 15 },
      offset: 3,
      bytes: 14,
    });
  });

  it('C.4.2: the repeated :authority is one byte, dynamic index 62 (0xbe)', () => {
    const first = decodeHeaderBlock(hex(RFC_REQUESTS['C.4'][0] ?? ''), emptyHpackTable());
    const second = decodeHeaderBlock(hex(RFC_REQUESTS['C.4'][1] ?? ''), first.table);
    expect(second.representations[3]).toMatchObject({ kind: 'indexed', index: 62, table: 'dynamic', bytes: 1 });
  });

  it('C.4.3: a literal name (index 0), Huffman-coded, is shown as a string of its own', () => {
    let table = emptyHpackTable();
    for (const block of RFC_REQUESTS['C.4'].slice(0, 2)) table = decodeHeaderBlock(hex(block), table).table;
    const third = decodeHeaderBlock(hex(RFC_REQUESTS['C.4'][2] ?? ''), table);
    expect(third.representations[4]).toMatchObject({
      kind: 'literal',
      nameIndex: null,
      nameLiteral: { text: 'custom-key', huffman: true, encodedBytes: 8, decodedBytes: 10 },
      value: { text: 'custom-value', huffman: true, encodedBytes: 9, decodedBytes: 12 },
    });
  });
});

describe('the other representations and the table limit', () => {
  it('a size update evicts the oldest entries; without indexing and never indexed add nothing', () => {
    // 0x3f 0x45: size update to 31 + 69 = 100 (a 5-bit prefix overflowing into one more byte).
    // 0x40 + "aa": "x" → 32 + 2 + 1 = 35 B; twice with other names; the third pushes the first out of 100 B.
    const literal = (name: string, value: string, prefix: number): string =>
      [prefix, name.length, ...Buffer.from(name), value.length, ...Buffer.from(value)]
        .map((b) => b.toString(16).padStart(2, '0'))
        .join('');
    const block = `3f45${literal('aa', 'x', 0x40)}${literal('bb', 'y', 0x40)}${literal('cc', 'z', 0x40)}${literal('dd', 'w', 0x00)}${literal('ee', 'v', 0x10)}`;
    const decoded = decodeHeaderBlock(hex(block), emptyHpackTable());
    expect(decoded.representations[0]).toEqual({ kind: 'size-update', offset: 0, bytes: 2, maxSize: 100 });
    expect(decoded.representations.slice(1).map((r) => r.kind === 'literal' && r.indexing)).toEqual([
      'incremental',
      'incremental',
      'incremental',
      'without',
      'never',
    ]);
    expect(tableOf(decoded.table)).toEqual([
      ['cc', 'z'],
      ['bb', 'y'],
    ]);
    expect(decoded.table.maxSize).toBe(100);
  });

  it('refuses an index past both tables and a string longer than the block, with a reason', () => {
    expect(() => decodeHeaderBlock(hex('be'), emptyHpackTable())).toThrow(/index 62 is in neither table/);
    expect(() => decodeHeaderBlock(hex('4005616263'), emptyHpackTable())).toThrow(/a string of 5 bytes/);
    expect(() => decodeHeaderBlock(hex('80'), emptyHpackTable())).toThrow(/index 0/);
  });
});

describe('what Node’s own http2 client sends the lab', () => {
  let lab: RunningLab;
  let h2Port: number;
  beforeAll(async () => {
    lab = await startLab({ https: { h2Port: 0, http1Port: 0, certificate: createSelfSignedCertificate() } });
    h2Port = (await lab.app.httpsReady())?.h2Port ?? 0;
  });
  afterAll(async () => {
    await lab.close();
  });

  it('decodes to the fields it was asked to send; the repeat is what the prediction says, to the byte, and under 60 B', async () => {
    const connection = await tappedH2Session(h2Port);
    const path = '/api/feed/short-poll?client=hpack-node&since=0';
    const headers = requestHeaders('browser', 'fetch-get', `https://127.0.0.1:${h2Port}`);
    for (let i = 0; i < 2; i++) expect((await h2Get(connection.session, path, headers)).status).toBe(200);
    connection.session.close();
    await connection.closed;

    const blocks = parseFrames(connection.sent(), true)
      .filter((frame) => frame.type === 0x1)
      .map(headerBlock);
    expect(blocks).toHaveLength(2);
    let table = emptyHpackTable();
    const decoded = blocks.map((block) => {
      const result = decodeHeaderBlock(block, table);
      table = result.table;
      return result;
    });
    const sent = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]);
    for (const { representations } of decoded) {
      const fields = fieldsOf(representations);
      expect(fields.filter(([name]) => !name.startsWith(':'))).toEqual(sent);
      expect(Object.fromEntries(fields.filter(([name]) => name.startsWith(':')))).toEqual({
        ':method': 'GET',
        ':authority': `127.0.0.1:${h2Port}`,
        ':scheme': 'https',
        ':path': path,
      });
    }
    const [first, second] = decoded;
    if (!first || !second) throw new Error('two blocks expected');
    expect(first.representations.some((r) => r.kind === 'literal' && r.value.huffman)).toBe(true);
    expect(second.representations.filter((r) => r.kind === 'indexed').length).toBeGreaterThanOrEqual(sent.length);
    expect(blocks[1]?.length).toBeLessThan(60);
    expect(predictRepeatedBlock(first.representations, first.table).bytes).toBe(blocks[1]?.length);
  });
});
