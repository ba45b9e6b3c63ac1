/**
 * HPACK's Huffman code (RFC 7541 Appendix B). The code is canonical — codes of
 * one length are consecutive, in symbol order, and each length continues where
 * the shorter one ended — so the RFC's table is fully given by each symbol's
 * code length, and the codes are rebuilt from the lengths here. (The RFC
 * Appendix C.4 and C.6 examples in the tests pin the result.)
 */

/** Code length in bits of symbols 0–255 and EOS (256), from RFC 7541 Appendix B. */
// biome-ignore format: one row per 16 symbols, as the RFC's table is read
const CODE_BITS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];

export const HUFFMAN_EOS = 256;

/** Each symbol's code, MSB-aligned within its length (`codes[s]` has `CODE_BITS[s]` bits). */
export const HUFFMAN_CODES: readonly { code: number; bits: number }[] = canonicalCodes(CODE_BITS);

function canonicalCodes(lengths: readonly number[]): { code: number; bits: number }[] {
  const codes = lengths.map((bits) => ({ code: 0, bits }));
  const symbols = lengths.map((_, symbol) => symbol).sort((a, b) => (lengths[a] ?? 0) - (lengths[b] ?? 0) || a - b);
  let code = 0;
  let bits = lengths[symbols[0] ?? 0] ?? 0;
  for (const symbol of symbols) {
    const length = lengths[symbol] ?? 0;
    code *= 2 ** (length - bits); // multiplication, not <<: codes reach 30 bits
    bits = length;
    const entry = codes[symbol];
    if (entry) entry.code = code;
    code += 1;
  }
  return codes;
}

/** Decoding tree: node → [child for bit 0, child for bit 1]; a leaf is ~symbol (negative). */
const TREE: number[][] = buildTree();

function buildTree(): number[][] {
  const tree: number[][] = [[0, 0]];
  HUFFMAN_CODES.forEach(({ code, bits }, symbol) => {
    let node = 0;
    for (let bit = bits - 1; bit >= 0; bit -= 1) {
      const branch = Math.floor(code / 2 ** bit) % 2;
      const children = tree[node] as number[];
      if (bit === 0) {
        children[branch] = ~symbol;
        return;
      }
      if (!children[branch]) {
        tree.push([0, 0]);
        children[branch] = tree.length - 1;
      }
      node = children[branch] as number;
    }
  });
  return tree;
}

export class HuffmanError extends Error {}

/**
 * Decodes a Huffman-coded string literal into octets (one character per
 * byte). Padding must be at most 7 bits, all ones (the EOS code's prefix);
 * an EOS symbol inside the string is an error (RFC 7541 §5.2).
 */
export function huffmanDecode(bytes: Uint8Array): string {
  let out = '';
  let node = 0;
  let depth = 0;
  let allOnes = true;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit -= 1) {
      const branch = (byte >> bit) & 1;
      const next = (TREE[node] as number[])[branch] ?? 0;
      if (next < 0) {
        const symbol = ~next;
        if (symbol === HUFFMAN_EOS) throw new HuffmanError('the EOS symbol inside a Huffman-coded string');
        out += String.fromCharCode(symbol);
        node = 0;
        depth = 0;
        allOnes = true;
      } else if (next === 0) {
        throw new HuffmanError('a bit sequence that is no Huffman code');
      } else {
        node = next;
        depth += 1;
        allOnes &&= branch === 1;
      }
    }
  }
  if (depth > 7 || !allOnes) throw new HuffmanError('Huffman padding that is not the EOS code’s first 1–7 bits');
  return out;
}

/** Bytes `text` takes Huffman-coded (whole bits rounded up to bytes). */
export function huffmanEncodedBytes(text: string): number {
  let bits = 0;
  for (let i = 0; i < text.length; i += 1) bits += HUFFMAN_CODES[text.charCodeAt(i) & 0xff]?.bits ?? 0;
  return Math.ceil(bits / 8);
}
