import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readArrowColumns } from '../../object-class/format/read-arrow-object.js';
import { rangeSourceFromStore } from '../../object-class/format/range-source.js';
import { writeArrowObject } from '../../object-class/format/write-arrow-object.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { ObjectNotFoundError } from '../../object-class/store/object-store.js';
import { columnValues, makeEventTable, tableOf } from './event-table.js';

describe('rangeSourceFromStore', () => {
  let root: string;
  let store: LocalObjectStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'skysift-format-'));
    store = new LocalObjectStore(root);
  });

  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  test('reads columns from local store', async () => {
    const table = makeEventTable([80, 20]);
    const { bytes, info } = writeArrowObject(table, { batchEvents: 40, compression: 'lz4' });
    await store.put('adl/objects/0.arrow', bytes);

    const source = await rangeSourceFromStore(store, 'adl/objects/0.arrow');
    expect(source.size).toBe(bytes.length);
    const read = await readArrowColumns(source, [['Jet', 'pt'], ['MET_pt']], info);
    const result = tableOf(read.batches);
    expect(columnValues(result, ['Jet', 'pt'])).toEqual(columnValues(table, ['Jet', 'pt']));
    expect(columnValues(result, ['MET_pt'])).toEqual(columnValues(table, ['MET_pt']));
    expect(read.bytesFetched).toBeLessThan(bytes.length);
  });

  test('missing key raises ObjectNotFoundError', async () => {
    await expect(rangeSourceFromStore(store, 'adl/objects/missing.arrow')).rejects.toThrow(
      ObjectNotFoundError,
    );
  });
});
