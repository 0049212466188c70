import {
  Field,
  Float16,
  Float32,
  Null,
  RecordBatchFileWriter,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { registerArrowCodecs } from '../../object-class/format/body-codecs.js';
import { readArrowColumns, readArrowObject } from '../../object-class/format/read-arrow-object.js';
import { rangeSourceFromBytes, type RangeSource } from '../../object-class/format/range-source.js';
import { writeArrowObject } from '../../object-class/format/write-arrow-object.js';
import {
  EVENT_LEAVES,
  EVENT_SCHEMA,
  columnValues,
  makeEventRows,
  makeEventTable,
  tableOf,
} from './event-table.js';

const COMPRESSIONS = ['none', 'lz4', 'zstd'] as const;

beforeAll(() => {
  registerArrowCodecs();
});

describe('writeArrowObject', () => {
  test.each(COMPRESSIONS)('standard reader reads %s object', (compression) => {
    const table = makeEventTable([40, 60]);
    const { bytes } = writeArrowObject(table, { batchEvents: 32, compression });

    const read = tableFromIPC(bytes);
    expect(read.numRows).toBe(100);
    // Batches split at input batch boundaries (40 = 32 + 8, 60 = 32 + 28), so none is copied.
    expect(read.batches.map((batch) => batch.numRows)).toEqual([32, 8, 32, 28]);
    expect(read.schema.fields.map(String)).toEqual(EVENT_SCHEMA.fields.map(String));
    for (const leaf of EVENT_LEAVES) {
      expect(columnValues(read, leaf), leaf.join('.')).toEqual(columnValues(table, leaf));
    }
  });

  test.each(COMPRESSIONS)('info describes %s object', (compression) => {
    const table = makeEventTable([100]);
    const { bytes, info } = writeArrowObject(table, { batchEvents: 30, compression });

    expect(info.eventCount).toBe(100);
    expect(info.byteSize).toBe(bytes.length);
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.compression).toBe(compression);
    expect(info.recordBatchCount).toBe(4);
    expect(Object.keys(info.statistics)).toEqual(EVENT_LEAVES.map((leaf) => leaf.join('.')));
    expect(Object.keys(info.checksums.leaves)).toEqual(Object.keys(info.statistics));
    expect(Object.keys(info.checksums.columns)).toEqual(EVENT_SCHEMA.fields.map((f) => f.name));
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
  });

  test('compression shrinks repetitive columns', () => {
    const run = vectorFromArray(
      Array.from({ length: 50_000 }, (_, i) => i % 4),
      new Float32(),
    );
    const table = new Table({ run });
    const plain = writeArrowObject(table).bytes.length;
    expect(writeArrowObject(table, { compression: 'lz4' }).bytes.length).toBeLessThan(plain / 4);
    expect(writeArrowObject(table, { compression: 'zstd' }).bytes.length).toBeLessThan(plain / 4);
  });

  test('statistics match the values', () => {
    const rows = makeEventRows(100, 5) as EventRow[];
    const { info } = writeArrowObject(makeEventTable([70, 30], 5), { batchEvents: 25 });
    const jets = rows.flatMap((row) => (row.Jet ?? []).filter((jet) => jet !== null));
    const expectedValues: Record<string, (number | null)[]> = {
      MET_pt: rows.map((row) => row.MET_pt),
      PV_npvs: rows.map((row) => row.PV_npvs),
      Jet_pt: rows.flatMap((row) => row.Jet_pt ?? []),
      'Jet.pt': jets.map((jet) => jet.pt),
      'MET.sumet': rows.flatMap((row) => (row.MET === null ? [] : [row.MET.sumet])),
    };

    for (const [name, values] of Object.entries(expectedValues)) {
      const present = values.filter((v): v is number => v !== null && !Number.isNaN(v));
      const statistics = info.statistics[name];
      expect(statistics.min, name).toBe(Math.min(...present));
      expect(statistics.max, name).toBe(Math.max(...present));
      expect(statistics.nullCount, name).toBe(values.filter((v) => v === null).length);
      expect(statistics.valueCount, name).toBe(values.length);
    }
  });

  test('statistics skip null struct rows', () => {
    const rows = makeEventRows(200, 3);
    const table = makeEventTable([200], 3);
    const { info } = writeArrowObject(table);

    const metRows = rows.filter((row) => row.MET !== null).map((row) => row.MET as { pt: unknown });
    expect(info.statistics['MET.pt'].valueCount).toBe(metRows.length);
    expect(info.statistics['MET.pt'].nullCount).toBe(metRows.filter((m) => m.pt === null).length);
    expect(info.statistics['HLT_IsoMu24']).not.toHaveProperty('min');
    expect(info.statistics['dataset']).not.toHaveProperty('max');
  });

  test('event-number statistics use numbers', () => {
    const { info } = writeArrowObject(makeEventTable([50]));
    expect(typeof info.statistics['event'].min).toBe('number');
    expect(info.statistics['event'].min).toBe(1_000_000_000);
  });

  test('empty table writes a readable object', async () => {
    const { bytes, info } = writeArrowObject(new Table(EVENT_SCHEMA));

    expect(info.eventCount).toBe(0);
    expect(info.recordBatchCount).toBe(0);
    expect(tableFromIPC(bytes).numRows).toBe(0);
    const read = await readArrowColumns(rangeSourceFromBytes('empty', bytes), [['MET_pt']], info);
    expect(read.batches).toEqual([]);
    expect(read.eventCount).toBe(0);
  });

  test('invalid options raise RangeError', () => {
    const table = makeEventTable([10]);
    expect(() => writeArrowObject(table, { batchEvents: 0 })).toThrow(RangeError);
    expect(() => writeArrowObject(table, { batchEvents: 1.5 })).toThrow(/positive integer/);
    const compression = 'gzip' as 'none';
    expect(() => writeArrowObject(table, { compression })).toThrow(/'none', 'lz4' or 'zstd'/);
  });

  test('unsupported column type raises TypeError', () => {
    const half = vectorFromArray([1, 2, 3], new Float16());
    expect(() => writeArrowObject(new Table({ half }))).toThrow(TypeError);
  });
});

describe('readArrowColumns', () => {
  test.each(COMPRESSIONS)('each leaf of %s object matches a full read', async (compression) => {
    const table = makeEventTable([37, 50, 13]);
    const { bytes, info } = writeArrowObject(table, { batchEvents: 30, compression });
    const full = tableFromIPC(bytes);

    for (const leaf of EVENT_LEAVES) {
      const read = await readArrowColumns(rangeSourceFromBytes('events', bytes), [leaf], info);
      expect(read.eventCount).toBe(100);
      expect(read.batches.map((batch) => batch.numRows)).toEqual([30, 7, 30, 20, 13]);
      expect(columnValues(tableOf(read.batches), leaf), leaf.join('.')).toEqual(
        columnValues(full, leaf),
      );
    }
  });

  test('all leaves together match the source', async () => {
    const table = makeEventTable([64, 64]);
    const { bytes, info } = writeArrowObject(table, { batchEvents: 50 });

    const read = await readArrowColumns(rangeSourceFromBytes('events', bytes), EVENT_LEAVES, info);
    const result = tableOf(read.batches);
    expect(result.schema.fields.map(String)).toEqual(EVENT_SCHEMA.fields.map(String));
    for (const leaf of EVENT_LEAVES) {
      expect(columnValues(result, leaf), leaf.join('.')).toEqual(columnValues(table, leaf));
    }
  });

  test('pruned schema keeps requested fields', async () => {
    const { bytes, info } = writeArrowObject(makeEventTable([20]));
    const columns = [['Jet', 'btag'], ['MET', 'phi'], ['Jet', 'pt'], ['MET_pt']];

    const read = await readArrowColumns(rangeSourceFromBytes('events', bytes), columns, info);
    const schema = read.batches[0].schema;
    expect(schema.fields.map((field) => field.name)).toEqual(['MET_pt', 'MET', 'Jet']);
    expect(String(schema.fields[1].type)).toBe('Struct<{phi:Float32}>');
    expect(String(schema.fields[2].type)).toBe('List<Struct<{pt:Float32, btag:Float32}>>');
  });

  test('struct path selects all its fields', async () => {
    const table = makeEventTable([20]);
    const { bytes, info } = writeArrowObject(table);

    const read = await readArrowColumns(rangeSourceFromBytes('events', bytes), [['Jet']], info);
    const result = tableOf(read.batches);
    expect(String(result.schema.fields[0].type)).toBe(String(EVENT_SCHEMA.fields[10].type));
    expect(columnValues(result, ['Jet'])).toEqual(columnValues(table, ['Jet']));
  });

  test('no columns still counts events', async () => {
    const { bytes, info } = writeArrowObject(makeEventTable([25]), { batchEvents: 10 });

    const read = await readArrowColumns(rangeSourceFromBytes('events', bytes), [], info);
    expect(read.eventCount).toBe(25);
    expect(read.batches.map((batch) => batch.numRows)).toEqual([10, 10, 5]);
    expect(read.batches[0].schema.fields).toEqual([]);
  });

  test('one of 100 columns fetches a small fraction', async () => {
    const rows = 20_000;
    const columns = Object.fromEntries(
      Array.from({ length: 100 }, (_, c) => [
        `col_${c}`,
        vectorFromArray(Float32Array.from({ length: rows }, (_, i) => i * c)),
      ]),
    );
    const table = new Table(columns);
    const { bytes, info } = writeArrowObject(table, { batchEvents: 5000 });

    const source = countingSource(rangeSourceFromBytes('wide', bytes));
    const read = await readArrowColumns(source, [['col_42']], info);
    expect(columnValues(tableOf(read.batches), ['col_42'])).toEqual(
      columnValues(table, ['col_42']),
    );
    expect(read.bytesFetched).toBe(source.bytesRead());
    expect(read.bytesFetched).toBeLessThan(bytes.length * 0.03);
    // The tail, then per record batch one request for its header and one for the column.
    expect(source.requests()).toBe(1 + 2 * info.recordBatchCount);
  });

  test('unaligned source bytes still decode', async () => {
    const table = makeEventTable([33]);
    const { bytes, info } = writeArrowObject(table, { compression: 'none' });
    const source: RangeSource = {
      key: 'unaligned',
      size: bytes.length,
      read: async (offset, length) => {
        const shifted = new Uint8Array(length + 3);
        shifted.set(bytes.subarray(offset, offset + length), 3);
        return shifted.subarray(3);
      },
    };

    const read = await readArrowColumns(source, [['Jet', 'pt'], ['event']], info);
    const result = tableOf(read.batches);
    expect(columnValues(result, ['Jet', 'pt'])).toEqual(columnValues(table, ['Jet', 'pt']));
    expect(columnValues(result, ['event'])).toEqual(columnValues(table, ['event']));
  });

  test('reads objects from other writers', async () => {
    const table = makeEventTable([15, 15]);
    const bytes = RecordBatchFileWriter.writeAll(table).toUint8Array(true);

    const read = await readArrowColumns(rangeSourceFromBytes('foreign', bytes), [['MET', 'pt']]);
    expect(columnValues(tableOf(read.batches), ['MET', 'pt'])).toEqual(
      columnValues(table, ['MET', 'pt']),
    );
  });

  test('null and dictionary columns', async () => {
    const labels = vectorFromArray(['a', 'b', 'a', null]);
    const empty = vectorFromArray([null, null, null, null], new Null());
    const pt = vectorFromArray([1, 2, 3, 4], new Float32());
    const bytes = tableToIPC(new Table({ labels, empty, pt }), 'file');
    const source = rangeSourceFromBytes('foreign', bytes);

    const read = await readArrowColumns(source, [['pt'], ['empty']]);
    const result = tableOf(read.batches);
    expect(columnValues(result, ['pt'])).toEqual([1, 2, 3, 4]);
    expect(columnValues(result, ['empty'])).toEqual([null, null, null, null]);
    await expect(readArrowColumns(source, [['labels']])).rejects.toThrow(/cannot decode/);
  });

  test('random tables read back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 50 }),
        fc.subarray(EVENT_LEAVES, { minLength: 1 }),
        fc.constantFrom(...COMPRESSIONS),
        fc.integer({ min: 1, max: 1000 }),
        async (batchRows, batchEvents, leaves, compression, seed) => {
          const table = makeEventTable(batchRows, seed);
          const { bytes, info } = writeArrowObject(table, { batchEvents, compression });
          const source = rangeSourceFromBytes('random', bytes);

          const read = await readArrowColumns(source, leaves, info);
          expect(read.eventCount).toBe(table.numRows);
          const result = tableOf(read.batches);
          for (const leaf of leaves) {
            expect(columnValues(result, leaf)).toEqual(columnValues(table, leaf));
          }
        },
      ),
      { numRuns: 60, seed: 20_260_101 },
    );
  });
});

describe('readArrowObject', () => {
  test.each(COMPRESSIONS)('reads whole %s object', (compression) => {
    const table = makeEventTable([50]);
    const { bytes, info } = writeArrowObject(table, { compression });

    const read = readArrowObject(bytes, info, 'whole');
    for (const leaf of EVENT_LEAVES) {
      expect(columnValues(read, leaf), leaf.join('.')).toEqual(columnValues(table, leaf));
    }
  });

  test('keeps struct children order', () => {
    const fields = [new Field('b', new Float32()), new Field('a', new Float32())];
    const values = [
      { b: 1, a: 2 },
      { b: 3, a: 4 },
    ];
    const table = new Table({ pair: vectorFromArray(values, new Struct(fields)) });
    const { bytes, info } = writeArrowObject(table);

    expect(String(readArrowObject(bytes, info).schema.fields[0].type)).toBe(
      'Struct<{b:Float32, a:Float32}>',
    );
  });
});

/** The parts of an event row that the statistics test reads. */
interface EventRow {
  MET_pt: number | null;
  PV_npvs: number | null;
  Jet_pt: (number | null)[] | null;
  Jet: ({ pt: number | null } | null)[] | null;
  MET: { sumet: number | null } | null;
}

/** Wraps a range source to count the requests and bytes that reach it. */
function countingSource(source: RangeSource): RangeSource & {
  bytesRead(): number;
  requests(): number;
} {
  let bytes = 0;
  let requests = 0;
  return {
    key: source.key,
    size: source.size,
    read: async (offset, length) => {
      requests += 1;
      const result = await source.read(offset, length);
      bytes += result.length;
      return result;
    },
    bytesRead: () => bytes,
    requests: () => requests,
  };
}
