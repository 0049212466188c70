import { createHash } from 'node:crypto';
import { CompressionType, RecordBatchFileWriter, type RecordBatch, Table } from 'apache-arrow';
import { BufferRegion } from 'apache-arrow/ipc/metadata/message';
import { datasetSchemaFromArrow } from '../dataset/schema.js';
import type { ArrowObjectInfo, ObjectCompression } from './arrow-object-info.js';
import { bodyCodecFor, LENGTH_PREFIX_BYTES, type BodyCodec } from './body-codecs.js';
import { computeColumnStatistics } from './column-statistics.js';
import { parseIpcFile } from './ipc-file-structure.js';
import { computeObjectChecksums } from './object-checksums.js';
import { splitTable } from './rechunk-table.js';

export type { ArrowObjectInfo, ColumnStatistics, ObjectCompression } from './arrow-object-info.js';

/** Rows per record batch when the caller does not choose. */
export const DEFAULT_BATCH_EVENTS = 65536;

/** Options of `writeArrowObject`. */
export interface WriteArrowObjectOptions {
  /** Rows per record batch, a positive integer; 65536 by default. */
  batchEvents?: number;
  /** Body compression; 'none' by default. */
  compression?: ObjectCompression;
}

const COMPRESSION_TYPES: Record<ObjectCompression, CompressionType | null> = {
  none: null,
  lz4: CompressionType.LZ4_FRAME,
  zstd: CompressionType.ZSTD,
};

/** Byte alignment of body buffers that the Arrow IPC format requires. */
const BUFFER_ALIGNMENT_BYTES = 8;

/**
 * Writes a table as one Arrow IPC file, split into record batches of `batchEvents` rows, and
 * describes it for the dataset manifest. Throws TypeError for column types skysift cannot scan
 * and RangeError for invalid options.
 */
export function writeArrowObject(
  table: Table,
  options: WriteArrowObjectOptions = {},
): { bytes: Uint8Array; info: ArrowObjectInfo } {
  const batchEvents = options.batchEvents ?? DEFAULT_BATCH_EVENTS;
  const compression = options.compression ?? 'none';
  validateOptions(batchEvents, compression);
  datasetSchemaFromArrow(table.schema);

  const batches = splitTable(table, batchEvents);
  const bytes = encodeIpcFile(table, batches, COMPRESSION_TYPES[compression]);

  const file = parseIpcFile('new object', bytes);
  const info: ArrowObjectInfo = {
    eventCount: table.numRows,
    byteSize: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    compression,
    recordBatchCount: batches.length,
    footerLength: file.footerLocation.length,
    statistics: computeColumnStatistics(table),
    checksums: computeObjectChecksums(file),
  };
  return { bytes, info };
}

function validateOptions(batchEvents: number, compression: string): void {
  if (!Number.isSafeInteger(batchEvents) || batchEvents < 1) {
    throw new RangeError(
      `Invalid batchEvents ${JSON.stringify(batchEvents)}: expected a positive integer number of rows`,
    );
  }
  if (!Object.hasOwn(COMPRESSION_TYPES, compression)) {
    throw new RangeError(
      `Invalid compression ${JSON.stringify(compression)}: expected 'none', 'lz4' or 'zstd'`,
    );
  }
}

function encodeIpcFile(
  table: Table,
  batches: RecordBatch[],
  compressionType: CompressionType | null,
): Uint8Array {
  const writer =
    compressionType === null
      ? new RecordBatchFileWriter()
      : new CompressingFileWriter(compressionType, bodyCodecFor(compressionType));

  if (batches.length === 0) writer.write(new Table(table.schema));
  for (const batch of batches) writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

/**
 * An apache-arrow file writer that prefixes each compressed buffer with its uncompressed length,
 * as the Arrow format's BodyCompressionMethod.BUFFER requires. apache-arrow 21.2.0 writes the
 * compressed length there (`_compressBodyBuffers` in `ipc/writer.mjs`), which its own reader
 * ignores but readers that size their output from the prefix do not.
 */
class CompressingFileWriter extends RecordBatchFileWriter {
  constructor(
    compressionType: CompressionType,
    private readonly codec: BodyCodec,
  ) {
    super({ compressionType });
  }

  protected override _compressBodyBuffers(buffers: ArrayBufferView[]): {
    byteLength: number;
    bufferRegions: BufferRegion[];
    buffers: ArrayBufferView[];
  } {
    const output: ArrayBufferView[] = [];
    const bufferRegions: BufferRegion[] = [];
    let offset = 0;

    for (const buffer of buffers) {
      const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      if (bytes.length === 0) {
        output.push(new Uint8Array(0), new Uint8Array(0));
        bufferRegions.push(new BufferRegion(offset, 0));
        continue;
      }

      // The Arrow format stores -1 in place of the length when a buffer is left uncompressed.
      const compressed = this.codec.encode(bytes);
      const useCompressed = compressed.length < bytes.length;
      const prefix = new Uint8Array(LENGTH_PREFIX_BYTES);
      new DataView(prefix.buffer).setBigInt64(0, BigInt(useCompressed ? bytes.length : -1), true);
      const stored = useCompressed ? compressed : bytes;

      output.push(prefix, stored);
      bufferRegions.push(new BufferRegion(offset, LENGTH_PREFIX_BYTES + stored.length));
      offset = alignUp(offset + LENGTH_PREFIX_BYTES + stored.length);
    }
    return { byteLength: offset, bufferRegions, buffers: output };
  }
}

function alignUp(offset: number): number {
  return Math.ceil(offset / BUFFER_ALIGNMENT_BYTES) * BUFFER_ALIGNMENT_BYTES;
}
