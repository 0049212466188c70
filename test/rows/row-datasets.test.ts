import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../client/io/event-generator.js';
import { SkysiftClient } from '../../client/skysift-client.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { compactDataset } from '../../object-class/dataset/compact-dataset.js';
import { readLatestManifest, type Manifest } from '../../object-class/dataset/manifest.js';
import type { ClientQuery } from '../../client/skysift-client.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';

const NODES = ['node-1', 'node-2'];
const MET_HISTOGRAM = { kind: 'histogram', bins: 50, low: 0, high: 500 } as const;

/** Queries over columns, struct fields and jagged lists of the nested layout. */
const QUERIES: { name: string; request: Omit<ClientQuery, 'dataset'> }[] = [
  { name: 'MET', request: { query: 'Select(lambda e: e.MET.pt)', output: MET_HISTOGRAM } },
  {
    name: 'jet pt',
    request: {
      query: 'SelectMany(lambda e: e.Jet.Where(lambda j: abs(j.eta) < 1).Select(lambda j: j.pt))',
      output: { kind: 'histogram', bins: 40, low: 0, high: 200 },
    },
  },
  {
    name: 'events with two muons',
    request: {
      query: 'Where(lambda e: e.Muon.Count() >= 2).Select(lambda e: e.MET_pt)',
      output: MET_HISTOGRAM,
    },
  },
];

const EVENT_NUMBERS = 'Select(lambda e: e.event)';

function events(count: number, seed: number): Table {
  return generateEvents({ events: count, seed, layout: 'nested' });
}

async function eventNumbers(client: SkysiftClient, dataset: string): Promise<bigint[]> {
  const result = await client.query({ dataset, query: EVENT_NUMBERS });
  return Array.from(result.table!.getChildAt(0)!.toArray() as ArrayLike<number | bigint>, BigInt);
}

async function objectKeys(store: ObjectStore, dataset: string): Promise<string[]> {
  return (await store.list(`datasets/${dataset}/objects/`)).sort();
}

function formats(manifest: Manifest | null): string[] {
  return manifest?.objects.map((o) => o.format) ?? [];
}

describe('row object datasets', () => {
  let dir: string;
  let store: LocalObjectStore;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-rows-'));
    store = new LocalObjectStore(dir);
    const table = events(900, 11);
    await appendTable(store, 'arrow', [table], { eventsPerObject: 200, nodes: NODES });
    await appendTable(store, 'rows', [table], {
      eventsPerObject: 200,
      nodes: NODES,
      format: 'rows',
    });
    cluster = await startEmbeddedCluster({ store, nodes: 2 });
    client = new SkysiftClient(cluster.endpoint);
  });

  afterAll(async () => {
    client.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists row objects in the manifest', async () => {
    const manifest = await readLatestManifest(store, 'rows');
    expect(formats(manifest)).toEqual(['rows', 'rows', 'rows', 'rows', 'rows']);
    expect(manifest!.objects.map((o) => o.firstEvent)).toEqual([0, 200, 400, 600, 800]);
    expect(manifest!.objects[0].key).toMatch(/\.rows$/);
  });

  for (const { name, request } of QUERIES) {
    it(`${name} histogram equals arrow objects`, async () => {
      const arrow = await client.query({ ...request, dataset: 'arrow' });
      const rows = await client.query({ ...request, dataset: 'rows' });
      expect(rows.aggregate).toEqual(arrow.aggregate);
      expect(rows.summary.eventsScanned).toBe(900);
      expect(rows.summary.eventsSelected).toBe(arrow.summary.eventsSelected);
    });
  }

  it('reads whole row objects', async () => {
    const manifest = await readLatestManifest(store, 'rows');
    const size = manifest!.objects.reduce((sum, o) => sum + o.info.byteSize, 0);
    const result = await client.query({ ...QUERIES[0].request, dataset: 'rows' });
    expect(result.summary.bytesReadAtNodes).toBe(size);
  });

  it('returns rows in event order', async () => {
    expect(await eventNumbers(client, 'rows')).toEqual(await eventNumbers(client, 'arrow'));
  });

  it('prunes row objects by statistics', async () => {
    const query = 'Where(lambda e: e.MET.pt > 100000).Select(lambda e: e.MET.pt)';
    const result = await client.query({ dataset: 'rows', query, output: MET_HISTOGRAM });
    expect(result.summary.objectsSkipped).toBe(5);
  });
});

describe('compaction', () => {
  let dir: string;
  let store: LocalObjectStore;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-compact-'));
    store = new LocalObjectStore(dir);
    cluster = await startEmbeddedCluster({ store, nodes: 2 });
    client = new SkysiftClient(cluster.endpoint);
  });

  afterAll(async () => {
    client.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces row runs in place', async () => {
    const append = (table: Table, format: 'arrow' | 'rows', eventsPerObject: number) =>
      appendTable(store, 'mixed', [table], { eventsPerObject, nodes: NODES, format });
    await append(events(300, 1), 'arrow', 300);
    for (let seed = 2; seed < 7; seed++) await append(events(70, seed), 'rows', 70);
    await append(events(100, 9), 'arrow', 100);
    await append(events(130, 10), 'rows', 50);

    const before = (await readLatestManifest(store, 'mixed'))!;
    expect(formats(before)).toEqual([
      ...['arrow', 'rows', 'rows', 'rows', 'rows', 'rows'],
      ...['arrow', 'rows', 'rows', 'rows'],
    ]);
    const rowKeys = before.objects.filter((o) => o.format === 'rows').map((o) => o.key);
    const numbersBefore = await eventNumbers(client, 'mixed');
    const histogramsBefore = await Promise.all(
      QUERIES.map(({ request }) => client.query({ ...request, dataset: 'mixed' })),
    );

    const result = await compactDataset(store, 'mixed', { eventsPerObject: 100 });

    const after = result.manifest;
    expect(after.version).toBe(before.version + 1);
    expect(result.rowObjectsReplaced).toBe(8);
    expect(result.arrowObjectsWritten).toBe(4 + 2);
    expect(formats(after)).toEqual(Array(8).fill('arrow'));
    expect(after.objects.map((o) => o.firstEvent)).toEqual([0, 300, 400, 500, 600, 650, 750, 850]);
    expect(after.objects.map((o) => o.info.eventCount)).toEqual([
      300, 100, 100, 100, 50, 100, 100, 30,
    ]);
    expect(after.eventCount).toBe(before.eventCount);
    expect(after.objects[0]).toEqual(before.objects[0]);
    expect(after.objects[5]).toEqual(before.objects[6]);

    expect(await eventNumbers(client, 'mixed')).toEqual(numbersBefore);
    for (const [i, { request }] of QUERIES.entries()) {
      const again = await client.query({ ...request, dataset: 'mixed' });
      expect(again.aggregate, QUERIES[i].name).toEqual(histogramsBefore[i].aggregate);
    }

    const keys = await objectKeys(store, 'mixed');
    for (const key of rowKeys) expect(keys).not.toContain(key);
    expect(keys).toEqual(after.objects.map((o) => o.key).sort());
  });

  it('leaves a dataset without row objects unchanged', async () => {
    const before = (await readLatestManifest(store, 'mixed'))!;
    const result = await compactDataset(store, 'mixed');
    expect(result.rowObjectsReplaced).toBe(0);
    expect(result.manifest.version).toBe(before.version);
  });

  it('keeps an append that races it', async () => {
    for (let seed = 20; seed < 24; seed++) {
      await appendTable(store, 'race', [events(50, seed)], { nodes: NODES, format: 'rows' });
    }
    const expected = await eventNumbers(client, 'race');
    const late = events(40, 30);

    const compaction = compactDataset(store, 'race', { eventsPerObject: 1000 });
    const append = appendTable(store, 'race', [late], { nodes: NODES, format: 'rows' });
    const [compacted] = await Promise.all([compaction, append]);

    const manifest = (await readLatestManifest(store, 'race'))!;
    expect(manifest.eventCount).toBe(240);
    expect(compacted.rowObjectsReplaced).toBe(4);
    const numbers = await eventNumbers(client, 'race');
    expect(numbers.slice(0, 200)).toEqual(expected);
    expect(numbers.slice(200)).toEqual(
      Array.from(late.getChild('event')!.toArray() as ArrayLike<number | bigint>, BigInt),
    );
    expect(formats(manifest)[0]).toBe('arrow');
    expect(manifest.objects.at(-1)!.format).toBe('rows');
    expect(await objectKeys(store, 'race')).toEqual(manifest.objects.map((o) => o.key).sort());
  });

  it('keeps an append published during compaction', async () => {
    for (let seed = 40; seed < 43; seed++) {
      await appendTable(store, 'interleaved', [events(60, seed)], { nodes: NODES, format: 'rows' });
    }
    const late = events(25, 50);
    const racing = appendingStore(store, async () => {
      await appendTable(store, 'interleaved', [late], { nodes: NODES, format: 'rows' });
    });

    const result = await compactDataset(racing, 'interleaved', { eventsPerObject: 90 });

    expect(result.manifest.version).toBe(5);
    expect(formats(result.manifest)).toEqual(['arrow', 'arrow', 'rows']);
    expect(result.manifest.objects.map((o) => o.firstEvent)).toEqual([0, 90, 180]);
    expect(result.manifest.eventCount).toBe(205);
    expect(await objectKeys(store, 'interleaved')).toEqual(
      result.manifest.objects.map((o) => o.key).sort(),
    );
  });
});

describe('damaged row objects', () => {
  let dir: string;
  let store: LocalObjectStore;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;
  let damagedKey: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-rows-damaged-'));
    store = new LocalObjectStore(dir);
    const table = events(300, 5);
    const options = { eventsPerObject: 100, nodes: NODES, format: 'rows' as const };
    const manifest = await appendTable(store, 'damaged', [table], options);
    damagedKey = manifest.objects[1].key;
    const bytes = await store.get(damagedKey);
    bytes[bytes.length >> 1] ^= 0x01;
    await store.put(damagedKey, bytes);
    cluster = await startEmbeddedCluster({ store, nodes: 2 });
    client = new SkysiftClient(cluster.endpoint);
  });

  afterAll(async () => {
    client.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a query naming the object', async () => {
    const query = client.query({ ...QUERIES[0].request, dataset: 'damaged' });
    await expect(query).rejects.toThrow(damagedKey);
    await expect(client.query({ ...QUERIES[0].request, dataset: 'damaged' })).rejects.toThrow(
      /SHA-256/,
    );
  });

  it('fails compaction without changes', async () => {
    const before = await readLatestManifest(store, 'damaged');
    const keysBefore = await objectKeys(store, 'damaged');
    const compaction = compactDataset(store, 'damaged', { eventsPerObject: 50 });
    await expect(compaction).rejects.toThrow(damagedKey);
    expect(await readLatestManifest(store, 'damaged')).toEqual(before);
    expect(await objectKeys(store, 'damaged')).toEqual(keysBefore);
  });
});

/**
 * Wraps a store so that `beforeFirstManifestWrite` runs once, just before the first manifest
 * write through the wrapper: another writer publishes between compaction's read and its write.
 */
function appendingStore(store: ObjectStore, beforeFirstManifestWrite: () => Promise<void>) {
  let done = false;
  const wrapper: ObjectStore = {
    description: store.description,
    get: (key) => store.get(key),
    getRange: (key, offset, length) => store.getRange(key, offset, length),
    head: (key) => store.head(key),
    list: (prefix) => store.list(prefix),
    delete: (keys) => store.delete(keys),
    close: () => store.close(),
    put: async (key, body, options) => {
      if (!done && key.includes('/manifests/')) {
        done = true;
        await beforeFirstManifestWrite();
      }
      return store.put(key, body, options);
    },
  };
  return wrapper;
}
