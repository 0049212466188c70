import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { tableFromIPC, type RecordBatch, type Table } from 'apache-arrow';
import type { ArrowObjectInfo } from './arrow-object-info.js';
import { alignBytes, decodeBodyBuffer, registerArrowCodecs } from './body-codecs.js';
import { selectColumns, type ColumnSelection } from './column-selection.js';
import {
  decodeBatchHeader,
  decodeFooter,
  FILE_TRAILER_BYTES,
  locateFooter,
  parseIpcFile,
  type BatchHeader,
  type FileFooter,
} from './ipc-file-structure.js';
import { loadRecordBatch } from './load-record-batch.js';
import { crc32OfBuffers, crc32OfParts, type BufferBytes } from './object-checksums.js';
import { ObjectCorruptError } from './object-corrupt-error.js';
import {
  layoutSchema,
  leafBufferIndexes,
  leafLayouts,
  leafName,
  subtreeBufferIndexes,
  type SchemaLayout,
} from './object-layout.js';
import { RangeFetcher } from './range-fetcher.js';
import type { RangeSource } from './range-source.js';

export type { RangeSource } from './range-source.js';

/**
 * Bytes read from the end of an object in the first request when the footer length is unknown.
 * apache-arrow 21.2.0 writes about 216 footer bytes per flat column (18,576 bytes for the 86
 * columns of the flat NanoAOD sample), so this first request contains the footer of an estimated
 * 300 flat columns.
 */
export const TAIL_FETCH_BYTES = 64 * 1024;

/** The structure of an object as read through ranged requests. */
interface ObjectStructure {
  layout: SchemaLayout;
  batches: BatchHeader[];
  eventCount: number;
}

/** Stored bytes of the fetched body buffers, indexed by record batch, then by buffer. */
type FetchedBuffers = Map<number, Uint8Array>[];

/**
 * Reads the given leaf columns of one Arrow IPC file through ranged reads, fetching only the
 * footer, the record batch headers and the body buffers of those columns. Column paths are like
 * `['MET_pt']`, `['Jet', 'pt']` or `['MET', 'pt']`; see `selectColumns`.
 *
 * With `expected`, checks the object size, the footer and record batch header checksums, the
 * checksum of each requested leaf, and that of each top-level column read whole. Throws
 * `ObjectCorruptError` when the object is damaged and `ColumnNotFoundError` for unknown columns.
 */
export async function readArrowColumns(
  source: RangeSource,
  columns: string[][],
  expected?: ArrowObjectInfo,
): Promise<{ batches: RecordBatch[]; bytesFetched: number; eventCount: number }> {
  if (expected !== undefined) checkSize(source.key, source.size, expected);
  const fetcher = new RangeFetcher(source);
  const structure = await readStructure(source, fetcher, expected);
  const selection = selectColumns(source.key, structure.layout, columns);

  const fetched = await fetchSelectedBuffers(fetcher, structure, selection);
  if (expected !== undefined) verifyColumns(source.key, structure, selection, fetched, expected);

  const batches = structure.batches.map((batch, index) => {
    const buffer = decodedBufferReader(source.key, batch, fetched[index]);
    return loadRecordBatch(
      { key: source.key, header: batch.header, buffer },
      structure.layout,
      selection.fields,
    );
  });
  return { batches, bytesFetched: fetcher.bytesFetched, eventCount: structure.eventCount };
}

function checkSize(key: string, size: number, expected: ArrowObjectInfo): void {
  if (size !== expected.byteSize) {
    throw new ObjectCorruptError(
      'SIZE_MISMATCH',
      key,
      `its size is ${size} bytes, but the manifest records ${expected.byteSize}; the object ` +
        'was truncated or replaced',
    );
  }
}

async function readStructure(
  source: RangeSource,
  fetcher: RangeFetcher,
  expected: ArrowObjectInfo | undefined,
): Promise<ObjectStructure> {
  const footer = await readFooter(source, fetcher, expected);
  const layout = layoutSchema(footer.schema);
  const batches = await readBatchHeaders(source.key, fetcher, footer, layout, expected);

  const eventCount = batches.reduce((sum, batch) => sum + batch.header.length, 0);
  if (expected !== undefined && eventCount !== expected.eventCount) {
    const reason = `it contains ${eventCount} events, but the manifest records ${expected.eventCount}`;
    throw new ObjectCorruptError('INVALID_METADATA', source.key, reason);
  }
  return { layout, batches, eventCount };
}

async function readFooter(
  source: RangeSource,
  fetcher: RangeFetcher,
  expected: ArrowObjectInfo | undefined,
): Promise<FileFooter> {
  const { key, size } = source;
  const tailLength = Math.min(size, firstTailLength(expected));
  const tail = await fetcher.read(size - tailLength, tailLength);
  const location = locateFooter(key, tail, size - tailLength, size);

  const footerBytes = await fetcher.read(location.offset, location.length);
  if (expected !== undefined) {
    checkCrc(key, 'footer', crc32(footerBytes), expected.checksums.footerCrc32);
  }
  return decodeFooter(key, footerBytes, location);
}

async function readBatchHeaders(
  key: string,
  fetcher: RangeFetcher,
  footer: FileFooter,
  layout: SchemaLayout,
  expected: ArrowObjectInfo | undefined,
): Promise<BatchHeader[]> {
  const ranges = footer.blocks.map((block) => ({
    offset: block.offset,
    length: block.metaDataLength,
  }));
  const metadata = await fetcher.readMany(ranges);
  if (expected !== undefined) {
    const actual = crc32OfParts(metadata);
    checkCrc(key, 'record batch headers', actual, expected.checksums.batchHeadersCrc32);
  }
  return footer.blocks.map((block, i) => decodeBatchHeader(key, metadata[i], block, layout));
}

/** Returns how many bytes the first read takes from the end: the footer and trailer if known. */
function firstTailLength(expected: ArrowObjectInfo | undefined): number {
  const footerLength = expected?.footerLength;
  if (footerLength === undefined || !Number.isSafeInteger(footerLength) || footerLength <= 0) {
    return TAIL_FETCH_BYTES;
  }
  return footerLength + FILE_TRAILER_BYTES;
}

async function fetchSelectedBuffers(
  fetcher: RangeFetcher,
  structure: ObjectStructure,
  selection: ColumnSelection,
): Promise<FetchedBuffers> {
  const indexes = [...new Set(selection.leaves.flatMap(leafBufferIndexes))].sort((a, b) => a - b);
  const wanted = structure.batches.flatMap((batch, batchIndex) =>
    indexes.map((bufferIndex) => {
      const region = batch.header.buffers[bufferIndex];
      return {
        batchIndex,
        bufferIndex,
        offset: batch.bodyOffset + region.offset,
        length: region.length,
      };
    }),
  );

  const bytes = await fetcher.readMany(wanted);
  const fetched: FetchedBuffers = structure.batches.map(() => new Map());
  wanted.forEach((range, i) => fetched[range.batchIndex].set(range.bufferIndex, bytes[i]));
  return fetched;
}

/**
 * Checks the checksum of every requested leaf and of every top-level column whose leaves were
 * all requested, over the stored bytes before decompression.
 */
function verifyColumns(
  key: string,
  structure: ObjectStructure,
  selection: ColumnSelection,
  fetched: FetchedBuffers,
  expected: ArrowObjectInfo,
): void {
  const batchCount = structure.batches.length;
  const bufferBytes: BufferBytes = (batch, index) => fetched[batch].get(index)!;
  const requested = new Set(selection.leaves);

  for (const leaf of selection.leaves) {
    const name = leafName(leaf);
    const actual = crc32OfBuffers(batchCount, leafBufferIndexes(leaf), bufferBytes);
    checkCrc(key, `column '${name}'`, actual, expected.checksums.leaves[name]);
  }

  for (const field of structure.layout.fields) {
    if (!leafLayouts(field).every((leaf) => requested.has(leaf))) continue;
    const name = field.field.name;
    const actual = crc32OfBuffers(batchCount, subtreeBufferIndexes(field), bufferBytes);
    checkCrc(key, `column '${name}'`, actual, expected.checksums.columns[name]);
  }
}

function checkCrc(key: string, part: string, actual: number, expected: number | undefined): void {
  if (expected === undefined) {
    const reason = `the manifest records no checksum for ${part}; rewrite the manifest entry`;
    throw new ObjectCorruptError('CHECKSUM_MISMATCH', key, reason);
  }
  if (actual !== expected) {
    const reason = `the CRC-32 of ${part} is ${actual}, but the manifest records ${expected}`;
    throw new ObjectCorruptError('CHECKSUM_MISMATCH', key, reason);
  }
}

/** Returns a reader of decoded buffers that decompresses each fetched buffer once. */
function decodedBufferReader(
  key: string,
  batch: BatchHeader,
  stored: Map<number, Uint8Array>,
): (bufferIndex: number) => Uint8Array {
  const compression = batch.header.compression;
  const decoded = new Map<number, Uint8Array>();
  return (bufferIndex) => {
    let bytes = decoded.get(bufferIndex);
    if (bytes === undefined) {
      const raw = stored.get(bufferIndex);
      if (raw === undefined)
        throw new Error(`Buffer ${bufferIndex} of object '${key}' was not fetched`);
      bytes = compression === null ? alignBytes(raw) : decodeBodyBuffer(key, raw, compression.type);
      decoded.set(bufferIndex, bytes);
    }
    return bytes;
  };
}

/**
 * Reads a whole object held in memory as a table. With `expected`, first checks its size and
 * SHA-256 against the manifest. Registers the LZ4_FRAME and ZSTD codecs with apache-arrow so that
 * compressed objects decode. Throws `ObjectCorruptError` when the object is damaged.
 */
export function readArrowObject(
  bytes: Uint8Array,
  expected?: ArrowObjectInfo,
  key = 'in-memory object',
): Table {
  if (expected !== undefined) {
    checkSize(key, bytes.length, expected);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== expected.sha256) {
      const reason = `its SHA-256 is ${sha256}, but the manifest records ${expected.sha256}`;
      throw new ObjectCorruptError('SHA256_MISMATCH', key, reason);
    }
  }

  parseIpcFile(key, bytes);
  registerArrowCodecs();
  return tableFromIPC(bytes);
}
