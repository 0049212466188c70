import { ObjectCorruptError } from './object-corrupt-error.js';
import type { RangeSource } from './range-source.js';

/**
 * Largest gap between two wanted byte ranges that one read still spans. The value is an
 * estimate: on an object store, an extra request costs about as much time as transferring a
 * few KiB, while larger gaps would pull in whole unrelated columns of small objects.
 */
export const MAX_COALESCE_GAP_BYTES = 8 * 1024;

/** Most reads a fetcher keeps in flight at once. */
const MAX_PARALLEL_READS = 16;

/** A byte range of an object. */
export interface ByteRange {
  offset: number;
  length: number;
}

interface FetchedChunk {
  offset: number;
  bytes: Uint8Array;
}

/**
 * Reads byte ranges of one object, merging nearby ranges into one read and serving ranges that
 * an earlier read already covered from memory. `bytesFetched` counts every byte read.
 */
export class RangeFetcher {
  bytesFetched = 0;
  private readonly chunks: FetchedChunk[] = [];

  constructor(private readonly source: RangeSource) {}

  /** Reads one range, from memory when an earlier read covered it. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const [bytes] = await this.readMany([{ offset, length }]);
    return bytes;
  }

  /**
   * Reads several ranges. Ranges not yet in memory are merged when the gap between them is at
   * most `MAX_COALESCE_GAP_BYTES` and read in parallel. Returns the bytes of each range in order.
   */
  async readMany(ranges: ByteRange[]): Promise<Uint8Array[]> {
    const missing = ranges.filter((range) => range.length > 0 && this.lookup(range) === null);
    const merged = coalesceRanges(missing, MAX_COALESCE_GAP_BYTES);
    await runInParallel(merged, MAX_PARALLEL_READS, (range) => this.fetch(range));

    return ranges.map((range) => {
      if (range.length === 0) return new Uint8Array(0);
      const bytes = this.lookup(range);
      if (bytes === null) throw new Error(`Range ${range.offset}+${range.length} was not fetched`);
      return bytes;
    });
  }

  private lookup(range: ByteRange): Uint8Array | null {
    for (const chunk of this.chunks) {
      const start = range.offset - chunk.offset;
      if (start >= 0 && start + range.length <= chunk.bytes.length) {
        return chunk.bytes.subarray(start, start + range.length);
      }
    }
    return null;
  }

  private async fetch(range: ByteRange): Promise<void> {
    const bytes = await this.source.read(range.offset, range.length);
    this.bytesFetched += bytes.length;
    if (bytes.length !== range.length) {
      throw new ObjectCorruptError(
        'TRUNCATED',
        this.source.key,
        `reading ${range.length} bytes at offset ${range.offset} returned ${bytes.length} bytes; ` +
          `the object is shorter than its size of ${this.source.size} bytes`,
      );
    }

    // Typed-array views over the chunk need 8-byte alignment, which pooled buffers may lack.
    const aligned = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
    this.chunks.push({ offset: range.offset, bytes: aligned });
  }
}

/**
 * Sorts ranges and merges those that overlap or lie at most `maxGapBytes` apart. Returns the
 * merged ranges in ascending order.
 */
export function coalesceRanges(ranges: ByteRange[], maxGapBytes: number): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.offset - b.offset);
  const merged: ByteRange[] = [];

  for (const range of sorted) {
    const last = merged.at(-1);
    const lastEnd = last === undefined ? -Infinity : last.offset + last.length;
    if (last !== undefined && range.offset - lastEnd <= maxGapBytes) {
      last.length = Math.max(lastEnd, range.offset + range.length) - last.offset;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

async function runInParallel<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
