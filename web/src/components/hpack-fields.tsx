/**
 * An HTTP/2 request in the wire inspector: its stream's frames (type, flags,
 * stream id, length) and its HEADERS frames' HPACK bytes decoded here, field
 * by field, from the bytes and the table the sample carries — so "why 41
 * bytes" can be read off: which field was one indexed byte, which a literal,
 * how much Huffman saved. Beside it, theory: what this head would cost sent
 * again unchanged.
 */
import type { H2HeaderBlockSample, H2StreamSample } from '../../../protocol/h2-stream-sample.ts';
import { h2FlagNames, h2FrameTypeName } from '../../../protocol/h2-stream-sample.ts';
import {
  decodeHeaderBlock,
  type HpackDecoded,
  type HpackRepresentation,
  type HpackString,
  hpackTableBytes,
} from '../../../protocol/hpack-decode.ts';
import { predictRepeatedBlock } from '../../../protocol/hpack-repeat-prediction.ts';
import './hpack-fields.css';

export function HpackFields({ stream }: { stream: H2StreamSample }) {
  return (
    <div className="hpack" data-inspect="h2">
      <h3>HTTP/2 stream {stream.streamId}: its frames</h3>
      <table className="h2-frames">
        <thead>
          <tr>
            <th scope="col">direction</th>
            <th scope="col">type</th>
            <th scope="col">flags</th>
            <th scope="col">stream</th>
            <th scope="col">length</th>
          </tr>
        </thead>
        <tbody>
          {stream.frames.map((frame, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: frames in the order they passed
            <tr key={i} data-h2-frame={h2FrameTypeName(frame.type)}>
              <td>{frame.direction === 'up' ? 'browser → lab' : 'lab → browser'}</td>
              <td>{h2FrameTypeName(frame.type)}</td>
              <td>
                0x{frame.flags.toString(16).padStart(2, '0')} {h2FlagNames(frame.type, frame.flags).join(' ')}
              </td>
              <td>{frame.streamId}</td>
              <td>9 + {frame.length} B</td>
            </tr>
          ))}
        </tbody>
      </table>
      {stream.framesLeftOut > 0 && <p className="muted">… and {stream.framesLeftOut} more frames on this stream.</p>}
      <Block title="The request's HEADERS: its HPACK bytes, field by field" block={stream.request} />
      <Block title="The answer's HEADERS" block={stream.response} />
    </div>
  );
}

function Block({ title, block }: { title: string; block: H2HeaderBlockSample | null }) {
  if (block === null) return null;
  const bytes = hexBytes(block.hex);
  let decoded: HpackDecoded | null = null;
  let problem = block.decodeError;
  if (block.tableBefore) {
    try {
      decoded = decodeHeaderBlock(bytes, block.tableBefore);
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  return (
    <details className="head" open>
      <summary>
        {title} <span className="muted">({bytes.length} B of HPACK)</span>
      </summary>
      {problem !== null && <p className="column-error">Not decoded: {problem}</p>}
      {decoded && block.tableBefore && (
        <>
          <ol className="hpack-fields">
            {decoded.representations.map((r) => (
              <li key={r.offset} data-hpack={r.kind}>
                <span className="part-bytes">{r.bytes} B</span>{' '}
                <code className="hex">{block.hex.slice(r.offset * 2, (r.offset + r.bytes) * 2)}</code>{' '}
                <FieldWords field={r} />
              </li>
            ))}
          </ol>
          <Theory
            measured={bytes.length}
            decoded={decoded}
            tableBytesBefore={hpackTableBytes(block.tableBefore.entries)}
          />
        </>
      )}
    </details>
  );
}

function FieldWords({ field }: { field: HpackRepresentation }) {
  if (field.kind === 'size-update') return <span>dynamic table size update: at most {field.maxSize} B</span>;
  if (field.kind === 'indexed') {
    return (
      <span>
        indexed: {field.table} index {field.index} → <strong>{field.name}</strong>: {field.value}
      </span>
    );
  }
  const indexing = {
    incremental: 'literal with incremental indexing (added to the table)',
    without: 'literal without indexing',
    never: 'literal never indexed',
  }[field.indexing];
  return (
    <span>
      {indexing}; name{' '}
      {field.nameLiteral ? stringWords(field.nameLiteral) : `from ${field.nameTable} index ${field.nameIndex}`} →{' '}
      <strong>{field.name}</strong>: {field.value.text}{' '}
      <span className="muted">(value {stringWords(field.value)})</span>
    </span>
  );
}

function stringWords(text: HpackString): string {
  return text.huffman
    ? `Huffman-coded, ${text.encodedBytes} B for ${text.decodedBytes}`
    : `raw, ${text.encodedBytes} B`;
}

/** Theory beside measurement: every field in a table is an indexed reference of 1–2 B the next time. */
function Theory({
  measured,
  decoded,
  tableBytesBefore,
}: {
  measured: number;
  decoded: HpackDecoded;
  tableBytesBefore: number;
}) {
  const repeat = predictRepeatedBlock(decoded.representations, decoded.table);
  const literals = decoded.representations.filter((r) => r.kind === 'literal');
  const indexed = decoded.representations.filter((r) => r.kind === 'indexed').length;
  const literalBytes = literals.reduce((sum, r) => sum + r.bytes, 0);
  const unindexed = literals.filter((r) => r.indexing !== 'incremental').map((r) => r.name);
  return (
    <p className="muted" data-hpack="theory">
      Measured: <strong>{measured} B</strong> of HPACK for {indexed + literals.length} fields: {indexed} indexed (1–2 B
      each) and {literals.length} literal ({literalBytes} B), against a dynamic table of {tableBytesBefore} B. HPACK
      predicts this head, sent again unchanged on this connection:{' '}
      <strong data-hpack-predicted={repeat.bytes}>{repeat.bytes} B</strong> — each field now in a table an indexed
      reference of 1 B (index ≤ 126) or 2 B
      {unindexed.length > 0
        ? `; ${unindexed.join(', ')} went without indexing and would go as a literal again (a poll's :path changes with every since)`
        : ''}
      .
    </p>
  );
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
