import { crc32 } from 'node:zlib';
import type { ObjectChecksums } from './arrow-object-info.js';
import type { ParsedIpcFile } from './ipc-file-structure.js';
import { leafBufferIndexes, leafLayouts, leafName, subtreeBufferIndexes } from './object-layout.js';

/** Returns the stored bytes of one body buffer of one record batch. */
export type BufferBytes = (batchIndex: number, bufferIndex: number) => Uint8Array;

/**
 * Computes the CRC-32 of the given buffers of every record batch, in batch order and, within a
 * batch, in the order of `bufferIndexes` (ascending indexes are file order).
 */
export function crc32OfBuffers(
  batchCount: number,
  bufferIndexes: number[],
  bufferBytes: BufferBytes,
): number {
  let checksum = 0;
  for (let batch = 0; batch < batchCount; batch += 1) {
    for (const index of bufferIndexes) checksum = crc32(bufferBytes(batch, index), checksum);
  }
  return checksum;
}

/** Computes the CRC-32 of a sequence of byte arrays as if they were concatenated. */
export function crc32OfParts(parts: Uint8Array[]): number {
  return parts.reduce((checksum, part) => crc32(part, checksum), 0);
}

/** Computes the footer, record batch metadata, column and leaf checksums of a whole IPC file. */
export function computeObjectChecksums(file: ParsedIpcFile): ObjectChecksums {
  const { bytes, footerLocation, footer, layout, batches } = file;
  const bufferBytes: BufferBytes = (batch, index) => {
    const region = batches[batch].header.buffers[index];
    const start = batches[batch].bodyOffset + region.offset;
    return bytes.subarray(start, start + region.length);
  };

  const columns: Record<string, number> = {};
  const leaves: Record<string, number> = {};
  for (const field of layout.fields) {
    columns[field.field.name] = crc32OfBuffers(
      batches.length,
      subtreeBufferIndexes(field),
      bufferBytes,
    );
    for (const leaf of leafLayouts(field)) {
      leaves[leafName(leaf)] = crc32OfBuffers(batches.length, leafBufferIndexes(leaf), bufferBytes);
    }
  }

  const footerEnd = footerLocation.offset + footerLocation.length;
  const headerParts = footer.blocks.map((block) =>
    bytes.subarray(block.offset, block.offset + block.metaDataLength),
  );
  return {
    footerCrc32: crc32(bytes.subarray(footerLocation.offset, footerEnd)),
    batchHeadersCrc32: crc32OfParts(headerParts),
    columns,
    leaves,
  };
}
