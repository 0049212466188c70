import { describe, expect, test } from 'vitest';
import type { ArrowObjectInfo } from '../../object-class/format/arrow-object-info.js';
import { ColumnNotFoundError } from '../../object-class/format/column-not-found-error.js';
import { parseIpcFile } from '../../object-class/format/ipc-file-structure.js';
import {
  ObjectCorruptError,
  type ObjectCorruptCode,
} from '../../object-class/format/object-corrupt-error.js';
import { leafLayouts, leafName } from '../../object-class/format/object-layout.js';
import { readArrowColumns, readArrowObject } from '../../object-class/format/read-arrow-object.js';
import { rangeSourceFromBytes } from '../../object-class/format/range-source.js';
import {
  writeArrowObject,
  type ObjectCompression,
} from '../../object-class/format/write-arrow-object.js';
import { columnValues, makeEventTable, tableOf } from './event-table.js';

const KEY = 'datasets/adl/objects/000001.arrow';

function writeEvents(compression: ObjectCompression = 'none'): {
  bytes: Uint8Array;
  info: ArrowObjectInfo;
} {
  return writeArrowObject(makeEventTable([60, 40]), { batchEvents: 50, compression });
}

/**
 * Returns the file offset of one buffer of a leaf in the first record batch. `position` counts
 * the buffers the leaf needs, its parents' first: for `Jet.pt`, 0 and 1 are the validity and
 * offsets buffers of `Jet`.
 */
function bufferOffset(bytes: Uint8Array, leaf: string, position: number): number {
  const file = parseIpcFile(KEY, bytes);
  const layout = file.layout.fields.flatMap(leafLayouts).find((l) => leafName(l) === leaf)!;
  const chain = [];
  for (let node: typeof layout | null = layout; node !== null; node = node.parent) {
    chain.unshift(...node.bufferIndexes);
  }
  const batch = file.batches[0];
  const region = batch.header.buffers[chain[position]];
  expect(region.length, `${leaf} buffer ${position}`).toBeGreaterThan(0);
  return batch.bodyOffset + region.offset;
}

function flipByte(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = bytes.slice();
  copy[offset] ^= 0xff;
  return copy;
}

async function readError(
  bytes: Uint8Array,
  columns: string[][],
  expected?: ArrowObjectInfo,
): Promise<unknown> {
  try {
    await readArrowColumns(rangeSourceFromBytes(KEY, bytes), columns, expected);
  } catch (error) {
    return error;
  }
  throw new Error('The read succeeded, but an error was expected');
}

function expectCorrupt(error: unknown, code: ObjectCorruptCode, text?: RegExp): void {
  expect(error).toBeInstanceOf(ObjectCorruptError);
  const corrupt = error as ObjectCorruptError;
  expect(corrupt.code).toBe(code);
  expect(corrupt.key).toBe(KEY);
  expect(corrupt.message).toContain(KEY);
  if (text !== undefined) expect(corrupt.message).toMatch(text);
}

describe('column checksums', () => {
  test.each(['none', 'zstd'] as const)('flipped %s body byte names column', async (compression) => {
    const { bytes, info } = writeEvents(compression);
    const damaged = flipByte(bytes, bufferOffset(bytes, 'MET_pt', 1) + 9);

    const error = await readError(damaged, [['MET_pt']], info);
    expectCorrupt(error, 'CHECKSUM_MISMATCH', /column 'MET_pt'/);
  });

  test('damage stays in its column', async () => {
    const table = makeEventTable([60, 40]);
    const { bytes, info } = writeArrowObject(table, { batchEvents: 50 });
    const damaged = flipByte(bytes, bufferOffset(bytes, 'MET_pt', 1));

    const read = await readArrowColumns(rangeSourceFromBytes(KEY, damaged), [['Jet', 'pt']], info);
    expect(columnValues(tableOf(read.batches), ['Jet', 'pt'])).toEqual(
      columnValues(table, ['Jet', 'pt']),
    );
  });

  test('flipped struct field names leaf', async () => {
    const { bytes, info } = writeEvents();
    const damaged = flipByte(bytes, bufferOffset(bytes, 'Jet.btag', 3) + 4);

    const error = await readError(
      damaged,
      [
        ['Jet', 'pt'],
        ['Jet', 'btag'],
      ],
      info,
    );
    expectCorrupt(error, 'CHECKSUM_MISMATCH', /column 'Jet\.btag'/);
  });

  test('flipped list offsets name leaf', async () => {
    const { bytes, info } = writeEvents();
    const damaged = flipByte(bytes, bufferOffset(bytes, 'Jet.pt', 1) + 8);

    const error = await readError(damaged, [['Jet', 'pt']], info);
    expectCorrupt(error, 'CHECKSUM_MISMATCH', /column 'Jet\.pt'/);
  });

  test('flipped footer byte is detected', async () => {
    const { bytes, info } = writeEvents();
    const file = parseIpcFile(KEY, bytes);
    const damaged = flipByte(bytes, file.footerLocation.offset + file.footerLocation.length - 20);

    const error = await readError(damaged, [['MET_pt']], info);
    expectCorrupt(error, 'CHECKSUM_MISMATCH', /footer/);
  });

  test('flipped batch header is detected', async () => {
    const { bytes, info } = writeEvents();
    const block = parseIpcFile(KEY, bytes).footer.blocks[1];
    const damaged = flipByte(bytes, block.offset + block.metaDataLength - 12);

    const error = await readError(damaged, [['MET_pt']], info);
    expectCorrupt(error, 'CHECKSUM_MISMATCH', /record batch headers/);
  });

  test('missing manifest checksum is rejected', async () => {
    const { bytes, info } = writeEvents();
    const { MET_pt: _, ...leaves } = info.checksums.leaves;
    const incomplete = { ...info, checksums: { ...info.checksums, leaves } };

    const error = await readError(bytes, [['MET_pt']], incomplete);
    expectCorrupt(error, 'CHECKSUM_MISMATCH', /no checksum for column 'MET_pt'/);
  });
});

describe('object structure', () => {
  test('truncated object fails size check', async () => {
    const { bytes, info } = writeEvents();
    const error = await readError(bytes.subarray(0, bytes.length - 100), [['MET_pt']], info);
    expectCorrupt(error, 'SIZE_MISMATCH', new RegExp(`${bytes.length - 100} bytes`));
  });

  test('truncated object without manifest has bad magic', async () => {
    const { bytes } = writeEvents();
    const error = await readError(bytes.subarray(0, bytes.length - 100), [['MET_pt']]);
    expectCorrupt(error, 'BAD_MAGIC', /expected "ARROW1"/);
  });

  test('short reads are reported', async () => {
    const { bytes } = writeEvents();
    const source = { ...rangeSourceFromBytes(KEY, bytes), size: bytes.length + 64 };

    const error = await readArrowColumns(source, [['MET_pt']]).catch((e: unknown) => e);
    expectCorrupt(error, 'TRUNCATED', /shorter than its size/);
  });

  test('wrong manifest size is rejected', async () => {
    const { bytes, info } = writeEvents();
    const error = await readError(bytes, [['MET_pt']], { ...info, byteSize: info.byteSize + 8 });
    expectCorrupt(error, 'SIZE_MISMATCH');
  });

  test('bad magic is rejected', async () => {
    const { bytes } = writeEvents();
    const error = await readError(flipByte(bytes, bytes.length - 1), [['MET_pt']]);
    expectCorrupt(error, 'BAD_MAGIC');
  });

  test('empty object has bad magic', async () => {
    const error = await readError(new Uint8Array(0), [['MET_pt']]);
    expectCorrupt(error, 'BAD_MAGIC');
  });

  test('footer length out of range', async () => {
    const { bytes } = writeEvents();
    const damaged = bytes.slice();
    new DataView(damaged.buffer).setInt32(damaged.length - 10, damaged.length, true);

    const error = await readError(damaged, [['MET_pt']]);
    expectCorrupt(error, 'FOOTER_OUT_OF_RANGE');
  });

  test('offsets past the values are rejected', async () => {
    const { bytes } = writeEvents();
    const damaged = bytes.slice();
    const offsets = bufferOffset(bytes, 'Jet_pt', 1);
    new DataView(damaged.buffer).setInt32(offsets + 50 * 4, 1_000_000, true);

    const error = await readError(damaged, [['Jet_pt']]);
    expectCorrupt(error, 'INVALID_METADATA', /last offset 1000000/);
  });

  test('wrong uncompressed length is rejected', async () => {
    const { bytes } = writeEvents('lz4');
    const damaged = bytes.slice();
    const prefix = bufferOffset(bytes, 'Jet_pt', 2);
    const view = new DataView(damaged.buffer);
    view.setBigInt64(prefix, view.getBigInt64(prefix, true) + 8n, true);

    const error = await readError(damaged, [['Jet_pt']]);
    expectCorrupt(error, 'DECOMPRESSION_FAILED', /prefix declares/);
  });
});

describe('column requests', () => {
  test.each([
    [['MET_ptt'], 'MET_pt'],
    [['Jet', 'pT'], 'Jet.pt'],
    [['MET', 'phii'], 'MET.phi'],
    [['jet_pt'], 'Jet_pt'],
    [['MET', 'eta'], 'Jet.eta'],
  ])('unknown column %j suggests %s', async (column, closest) => {
    const { bytes, info } = writeEvents();

    const error = await readError(bytes, [['run'], column], info);
    expect(error).toBeInstanceOf(ColumnNotFoundError);
    expect(error).toBeInstanceOf(RangeError);
    const notFound = error as ColumnNotFoundError;
    expect(notFound.code).toBe('COLUMN_NOT_FOUND');
    expect(notFound.closest).toBe(closest);
    expect(notFound.message).toContain(KEY);
    expect(notFound.message).toContain(`'${column.join('.')}'`);
    expect(notFound.message).toContain(`did you mean '${closest}'?`);
  });
});

describe('readArrowObject checks', () => {
  test('flipped byte fails SHA-256 check', () => {
    const { bytes, info } = writeEvents();
    const damaged = flipByte(bytes, bufferOffset(bytes, 'MET_pt', 1));

    expect(() => readArrowObject(damaged, info, KEY)).toThrow(ObjectCorruptError);
    expect(() => readArrowObject(damaged, info, KEY)).toThrow(/SHA-256/);
  });

  test('truncated object fails size check', () => {
    const { bytes, info } = writeEvents();
    expect(() => readArrowObject(bytes.subarray(0, 100), info, KEY)).toThrow(/100 bytes/);
  });

  test('bad magic without manifest', () => {
    const { bytes } = writeEvents();
    expect(() => readArrowObject(bytes.subarray(0, bytes.length - 1), undefined, KEY)).toThrow(
      ObjectCorruptError,
    );
  });
});
