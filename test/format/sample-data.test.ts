import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { describe, expect, test } from 'vitest';
import { readArrowColumns } from '../../object-class/format/read-arrow-object.js';
import { rangeSourceFromBytes } from '../../object-class/format/range-source.js';
import {
  writeArrowObject,
  type ObjectCompression,
} from '../../object-class/format/write-arrow-object.js';
import { columnValues, tableOf } from './event-table.js';

const SAMPLE_DIR = process.env.SKYSIFT_SAMPLE_DATA;
const HAS_SAMPLE = SAMPLE_DIR !== undefined && existsSync(join(SAMPLE_DIR, 'adl'));
if (!HAS_SAMPLE) {
  console.warn(
    `sample data directory not found: set SKYSIFT_SAMPLE_DATA to the folder holding ` +
      `adl/Run2012B_SingleMu-1000.parquet (now ${JSON.stringify(SAMPLE_DIR)}); skipping`,
  );
}

const EVENTS_PER_OBJECT = 100;

function readSample(name: string): Table {
  const bytes = readFileSync(join(SAMPLE_DIR!, 'adl', name));
  return tableFromIPC(pq.readParquet(bytes).intoIPCStream());
}

/** Writes the table as objects of 100 events and reads the columns back from each object. */
async function readBackInObjects(
  table: Table,
  columns: string[][],
  compression: ObjectCompression,
): Promise<{ table: Table; fetchedFraction: number }> {
  const batches = [];
  let fetched = 0;
  let stored = 0;
  for (let start = 0; start < table.numRows; start += EVENTS_PER_OBJECT) {
    const piece = table.slice(start, start + EVENTS_PER_OBJECT);
    const { bytes, info } = writeArrowObject(piece, { batchEvents: 64, compression });
    const key = `adl/objects/${start / EVENTS_PER_OBJECT}.arrow`;

    const read = await readArrowColumns(rangeSourceFromBytes(key, bytes), columns, info);
    expect(read.eventCount).toBe(piece.numRows);
    batches.push(...read.batches);
    fetched += read.bytesFetched;
    stored += bytes.length;
  }
  return { table: tableOf(batches), fetchedFraction: fetched / stored };
}

describe.skipIf(!HAS_SAMPLE)('CMS Run2012B sample', () => {
  test.each(['none', 'zstd'] as const)('flat layout reads back (%s)', async (compression) => {
    const source = readSample('Run2012B_SingleMu-1000.parquet');
    expect(source.numRows).toBe(1000);

    const columns = [['MET_pt'], ['Jet_pt']];
    const { table } = await readBackInObjects(source, columns, compression);
    expect(table.numRows).toBe(1000);
    for (const column of columns) {
      expect(columnValues(table, column), column.join('.')).toEqual(columnValues(source, column));
    }
  });

  test.each(['none', 'lz4'] as const)('nested layout reads back (%s)', async (compression) => {
    const source = readSample('Run2012B_SingleMu-restructured-1000.parquet');

    const columns = [
      ['MET', 'pt'],
      ['Jet', 'pt'],
      ['Jet', 'eta'],
    ];
    const { table } = await readBackInObjects(source, columns, compression);
    expect(table.numRows).toBe(1000);
    for (const column of columns) {
      expect(columnValues(table, column), column.join('.')).toEqual(columnValues(source, column));
    }
  });

  test('both layouts agree on jet pT', async () => {
    const flat = readSample('Run2012B_SingleMu-1000.parquet');
    const nested = readSample('Run2012B_SingleMu-restructured-1000.parquet');

    const fromFlat = await readBackInObjects(flat, [['Jet_pt']], 'none');
    const fromNested = await readBackInObjects(nested, [['Jet', 'pt']], 'none');
    expect(columnValues(fromNested.table, ['Jet', 'pt'])).toEqual(
      columnValues(fromFlat.table, ['Jet_pt']),
    );
  });

  test('MET read fetches a fraction', async () => {
    const flat = readSample('Run2012B_SingleMu-1000.parquet');

    // The footer (18.5 KiB) and the record batch header (7 KiB) of 86 columns dominate 100-event
    // objects of about 86 KiB; 1000-event objects show the column share.
    const small = await readBackInObjects(flat, [['MET_pt']], 'none');
    expect(small.fetchedFraction).toBeLessThan(0.35);
    const { bytes, info } = writeArrowObject(flat);
    const read = await readArrowColumns(rangeSourceFromBytes('adl/all', bytes), [['MET_pt']], info);
    expect(read.bytesFetched / bytes.length).toBeLessThan(0.06);
  });

  test('statistics match the sample', () => {
    const flat = readSample('Run2012B_SingleMu-1000.parquet');
    const { info } = writeArrowObject(flat);

    const met = columnValues(flat, ['MET_pt']) as number[];
    expect(info.statistics['MET_pt'].min).toBe(Math.min(...met));
    expect(info.statistics['MET_pt'].max).toBe(Math.max(...met));
    const jets = (columnValues(flat, ['Jet_pt']) as number[][]).flat();
    expect(info.statistics['Jet_pt'].valueCount).toBe(jets.length);
    expect(info.statistics['Jet_pt'].max).toBe(Math.max(...jets));
  });
});
