import { describe, expect, test } from 'vitest';
import { ObjectCorruptError } from '../../object-class/format/object-corrupt-error.js';
import {
  coalesceRanges,
  MAX_COALESCE_GAP_BYTES,
  RangeFetcher,
} from '../../object-class/format/range-fetcher.js';
import type { RangeSource } from '../../object-class/format/range-source.js';

function recordingSource(size: number): RangeSource & { reads: [number, number][] } {
  const bytes = Uint8Array.from({ length: size }, (_, i) => i % 251);
  const reads: [number, number][] = [];
  return {
    key: 'objects/recorded.arrow',
    size,
    reads,
    read: async (offset, length) => {
      reads.push([offset, length]);
      return bytes.slice(offset, offset + length);
    },
  };
}

describe('coalesceRanges', () => {
  test('merges ranges within the gap', () => {
    const ranges = [
      { offset: 100, length: 10 },
      { offset: 0, length: 10 },
      { offset: 115, length: 5 },
      { offset: 5, length: 2 },
    ];
    expect(coalesceRanges(ranges, 5)).toEqual([
      { offset: 0, length: 10 },
      { offset: 100, length: 20 },
    ]);
  });

  test('keeps distant ranges apart', () => {
    const ranges = [
      { offset: 0, length: 8 },
      { offset: 8 + MAX_COALESCE_GAP_BYTES + 1, length: 8 },
    ];
    expect(coalesceRanges(ranges, MAX_COALESCE_GAP_BYTES)).toHaveLength(2);
  });

  test('returns no ranges for none', () => {
    expect(coalesceRanges([], 10)).toEqual([]);
  });
});

describe('RangeFetcher', () => {
  test('serves covered ranges from memory', async () => {
    const source = recordingSource(1000);
    const fetcher = new RangeFetcher(source);

    const tail = await fetcher.read(900, 100);
    const inside = await fetcher.read(950, 10);
    expect(inside).toEqual(tail.subarray(50, 60));
    expect(source.reads).toEqual([[900, 100]]);
    expect(fetcher.bytesFetched).toBe(100);
  });

  test('coalesces nearby ranges into one read', async () => {
    const source = recordingSource(100_000);
    const fetcher = new RangeFetcher(source);

    const [first, second, far] = await fetcher.readMany([
      { offset: 10, length: 4 },
      { offset: 200, length: 4 },
      { offset: 90_000, length: 4 },
    ]);
    expect(source.reads).toEqual([
      [10, 194],
      [90_000, 4],
    ]);
    expect(Array.from(first)).toEqual([10, 11, 12, 13]);
    expect(Array.from(second)).toEqual([200, 201, 202, 203]);
    expect(Array.from(far)).toEqual([90_000 % 251, 90_001 % 251, 90_002 % 251, 90_003 % 251]);
  });

  test('short read raises TRUNCATED', async () => {
    const source = recordingSource(100);
    const fetcher = new RangeFetcher({ ...source, size: 200 });

    const error = await fetcher.read(50, 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectCorruptError);
    expect((error as ObjectCorruptError).code).toBe('TRUNCATED');
    expect((error as ObjectCorruptError).message).toContain('objects/recorded.arrow');
  });
});
