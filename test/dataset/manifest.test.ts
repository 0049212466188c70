import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendTable } from '../../object-class/dataset/append-table.js';
import {
  deleteDataset,
  listDatasets,
  publishManifest,
  readLatestManifest,
  requireManifest,
} from '../../object-class/dataset/manifest.js';
import { placeObject, rankNodes } from '../../object-class/dataset/placement.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import type { ObjectStore, PutOptions } from '../../object-class/store/object-store.js';

let dir: string;
let store: LocalObjectStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-manifest-'));
  store = new LocalObjectStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function events(count: number, start = 0) {
  return tableFromArrays({
    MET_pt: Float32Array.from({ length: count }, (_, i) => start + i),
    run: Int32Array.from({ length: count }, () => 1),
  });
}

describe('appendTable', () => {
  it('splits events into objects and places them', async () => {
    const manifest = await appendTable(store, 'ds', [events(250)], {
      eventsPerObject: 100,
      nodes: ['node-1', 'node-2'],
    });
    expect(manifest.version).toBe(1);
    expect(manifest.eventCount).toBe(250);
    expect(manifest.objects.map((o) => o.info.eventCount)).toEqual([100, 100, 50]);
    expect(manifest.objects.map((o) => o.firstEvent)).toEqual([0, 100, 200]);
    for (const object of manifest.objects) {
      expect(object.node).toBe(placeObject(object.key, ['node-1', 'node-2']));
    }
  });

  it('appends to an existing dataset', async () => {
    await appendTable(store, 'ds', [events(100)], { eventsPerObject: 100, nodes: ['n'] });
    const second = await appendTable(store, 'ds', [events(30, 100)], {
      eventsPerObject: 100,
      nodes: ['n'],
    });
    expect(second.version).toBe(2);
    expect(second.eventCount).toBe(130);
    expect(second.objects[1].firstEvent).toBe(100);
  });

  it('rejects rows of another schema', async () => {
    await appendTable(store, 'ds', [events(10)], { nodes: ['n'] });
    const other = tableFromArrays({ MET_pt: Float64Array.from([1]) });
    await expect(appendTable(store, 'ds', [other], { nodes: ['n'] })).rejects.toThrow(
      "Schema of the new rows does not match dataset 'ds' at column 1: expected 'MET_pt: float32', found 'MET_pt: float64'; ingest into a new dataset instead",
    );
  });

  it('rejects an invalid object size', async () => {
    await expect(
      appendTable(store, 'ds', [events(10)], { eventsPerObject: 0, nodes: ['n'] }),
    ).rejects.toThrow("Invalid events per object '0': expected an integer from 1 to 50000000");
  });

  it('leaves no dataset when a write fails', async () => {
    const failing = new FailingStore(store, 2);
    await expect(
      appendTable(failing, 'ds', [events(500)], { eventsPerObject: 100, nodes: ['n'] }),
    ).rejects.toThrow('injected write failure');
    expect(await readLatestManifest(store, 'ds')).toBeNull();
    expect(await listDatasets(store)).toEqual([]);
  });
});

describe('publishManifest', () => {
  it('keeps the objects of racing writers', async () => {
    const writers = Array.from({ length: 8 }, (_, i) =>
      appendTable(store, 'race', [events(10, i * 10)], { eventsPerObject: 10, nodes: ['n'] }),
    );
    await Promise.all(writers);
    const manifest = await requireManifest(store, 'race');
    expect(manifest.version).toBe(8);
    expect(manifest.objects).toHaveLength(8);
    expect(manifest.eventCount).toBe(80);
    expect(new Set(manifest.objects.map((o) => o.key)).size).toBe(8);
  });

  it('writes each version under a new key', async () => {
    const schema = { fields: [] };
    await publishManifest(store, 'v', () => ({ schema, eventCount: 0, objects: [] }));
    await publishManifest(store, 'v', () => ({ schema, eventCount: 0, objects: [] }));
    expect(await store.list('datasets/v/manifests/')).toEqual([
      'datasets/v/manifests/0000000001.json',
      'datasets/v/manifests/0000000002.json',
    ]);
  });
});

describe('requireManifest', () => {
  it('names the known datasets when one is missing', async () => {
    await appendTable(store, 'cms', [events(1)], { nodes: ['n'] });
    await expect(requireManifest(store, 'cmss')).rejects.toThrow(
      `Dataset 'cmss' not found in file://${dir} (known datasets: cms); create it with 'skysift ingest'`,
    );
  });

  it('rejects an invalid dataset name', async () => {
    await expect(requireManifest(store, '../etc')).rejects.toThrow("Invalid dataset name '../etc'");
  });
});

describe('deleteDataset', () => {
  it('removes manifests and objects', async () => {
    await appendTable(store, 'gone', [events(20)], { eventsPerObject: 10, nodes: ['n'] });
    expect(await deleteDataset(store, 'gone')).toBe(3);
    expect(await store.list('datasets/gone/')).toEqual([]);
  });
});

describe('rankNodes', () => {
  it('moves few objects when a node joins', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
    const before = keys.map((k) => placeObject(k, ['a', 'b', 'c']));
    const after = keys.map((k) => placeObject(k, ['a', 'b', 'c', 'd']));
    const moved = keys.filter((_, i) => before[i] !== after[i]);
    expect(after.filter((n, i) => n !== before[i] && n !== 'd')).toEqual([]);
    expect(moved.length).toBeGreaterThan(150);
    expect(moved.length).toBeLessThan(350);
  });

  it('rejects an empty node list', () => {
    expect(() => rankNodes('k', [])).toThrow(
      "Cannot place object 'k': no storage nodes are configured",
    );
  });
});

/** Passes calls through to a store but fails the n-th object write. */
class FailingStore implements ObjectStore {
  private puts = 0;
  readonly description: string;
  constructor(
    private readonly inner: ObjectStore,
    private readonly failAt: number,
  ) {
    this.description = inner.description;
  }
  get(key: string) {
    return this.inner.get(key);
  }
  getRange(key: string, offset: number, length: number) {
    return this.inner.getRange(key, offset, length);
  }
  head(key: string) {
    return this.inner.head(key);
  }
  async put(key: string, body: Uint8Array, options?: PutOptions) {
    if (++this.puts === this.failAt) throw new Error('injected write failure');
    return this.inner.put(key, body, options);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(keys: string[]) {
    return this.inner.delete(keys);
  }
  close() {
    return this.inner.close();
  }
}
