import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkysiftClient } from '../../client/skysift-client.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { readLatestManifest, type Manifest } from '../../object-class/dataset/manifest.js';
import { ObjectScanner } from '../../object-class/scan-object.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { planQuery } from '../../transformers/planner/plan-query.js';
import { makeEvents, makeTempStore, NODE_IDS, type TempStore } from './hostile-fixtures.js';

const QUERY = "Select(lambda e: {'met': e.MET_pt, 'jets': e.Jet_pt.Sum(), 'n': e.nJet})";
const HISTOGRAM = { kind: 'histogram', bins: 50, low: 0, high: 50 } as const;
const DATASETS = ['flip', 'truncate', 'remove', 'garbage', 'newest', 'only'];

describe('queries over a damaged store', () => {
  let temp: TempStore;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;
  const manifests = new Map<string, Manifest>();

  beforeAll(async () => {
    temp = await makeTempStore(40, 10);
    for (const dataset of DATASETS) {
      const manifest = await appendTable(temp.store, dataset, [makeEvents(40)], {
        eventsPerObject: 10,
        nodes: NODE_IDS,
      });
      manifests.set(dataset, manifest);
    }
    await appendTable(temp.store, 'newest', [makeEvents(40)], {
      eventsPerObject: 10,
      nodes: NODE_IDS,
    });
    cluster = await startEmbeddedCluster({ store: temp.store });
    client = new SkysiftClient(cluster.endpoint);
  });

  afterAll(async () => {
    client?.close();
    await cluster?.close();
    temp?.remove();
  });

  function fileOf(key: string): string {
    return path.join(temp.home, ...key.split('/'));
  }

  async function queryError(dataset: string, query = 'Select(lambda e: e.MET_pt)') {
    const outcome = await client
      .query({ dataset, query, output: HISTOGRAM })
      .then(() => new Error('the query succeeded'))
      .catch((error: Error) => error);
    expect(outcome.message).not.toBe('the query succeeded');
    return outcome;
  }

  it('fails naming an object with a flipped body byte', async () => {
    const key = manifests.get('flip')!.objects[1].key;
    const bytes = new Uint8Array(await fs.readFile(fileOf(key)));
    // Event 10 of the dataset, the first of object 1, has MET_pt 10.5.
    const value = new Uint8Array(new Float64Array([10.5]).buffer);
    const offset = Buffer.from(bytes).indexOf(Buffer.from(value));
    expect(offset).toBeGreaterThan(0);
    bytes[offset + 7] ^= 0x01;
    await fs.writeFile(fileOf(key), bytes);

    const error = await queryError('flip');
    expect(error.message).toContain(`Object '${key}' is corrupt`);
    expect(error.message).toContain("the CRC-32 of column 'MET_pt'");
  });

  it('fails naming a truncated object', async () => {
    const key = manifests.get('truncate')!.objects[2].key;
    const bytes = await fs.readFile(fileOf(key));
    await fs.writeFile(fileOf(key), bytes.subarray(0, bytes.length - 100));

    const error = await queryError('truncate');
    expect(error.message).toContain(`Object '${key}' is corrupt`);
    expect(error.message).toContain('the object is truncated');
  });

  it('fails naming a deleted object', async () => {
    const key = manifests.get('remove')!.objects[3].key;
    await fs.rm(fileOf(key));

    const error = await queryError('remove');
    expect(error.message).toContain(`Object '${key}' not found`);
  });

  it('fails naming a manifest of garbage JSON', async () => {
    const key = 'datasets/garbage/manifests/0000000001.json';
    await fs.writeFile(fileOf(key), '{"dataset": "garbage", "objects": [');

    const error = await queryError('garbage');
    expect(error.message).toContain(`Manifest '${key}' of dataset 'garbage' is corrupt`);
  });

  it('fails naming a manifest of the wrong shape', async () => {
    const key = 'datasets/garbage/manifests/0000000001.json';
    const manifest = { ...manifests.get('garbage')!, objects: [{ key: 42 }] };
    await fs.writeFile(fileOf(key), JSON.stringify(manifest));

    const error = await queryError('garbage');
    expect(error.message).toContain(`Manifest '${key}' of dataset 'garbage' is corrupt`);
    expect(error.message).toContain('manifest.objects[0].key is 42');
  });

  it('falls back to the previous manifest when the newest is deleted', async () => {
    await fs.rm(fileOf('datasets/newest/manifests/0000000002.json'));

    const result = await client.query({
      dataset: 'newest',
      query: 'Select(lambda e: e.MET_pt)',
      output: HISTOGRAM,
    });
    expect(result.summary.eventsScanned).toBe(40);
    expect(result.summary.objectsScanned).toBe(4);
  });

  it('reports a dataset whose only manifest is deleted as not found', async () => {
    await fs.rm(fileOf('datasets/only/manifests/0000000001.json'));

    const error = await queryError('only');
    expect(error.message).toContain("Dataset 'only' not found");
  });
});

describe('object scan with every byte flipped', () => {
  let temp: TempStore;

  beforeAll(async () => {
    temp = await makeTempStore(12, 12);
  });

  afterAll(() => temp?.remove());

  it('returns the exact result or an error for each flip', async () => {
    const object = temp.manifest.objects[0];
    const schema = temp.manifest.schema;
    const plan = planQuery(parseQuery(QUERY), QUERY, schema, { kind: 'rows' });
    const file = path.join(temp.home, ...object.key.split('/'));
    const original = new Uint8Array(await fs.readFile(file));
    const scanRows = async () => {
      const rows = (await new ObjectScanner(temp.store).scan(object, plan, schema)).rows!;
      return JSON.stringify(
        rows.schema.fields.map((field) => Array.from(rows.getChild(field.name)!.toArray(), String)),
      );
    };
    const expected = await scanRows();

    let errors = 0;
    for (let offset = 0; offset < original.length; offset++) {
      const damaged = original.slice();
      damaged[offset] ^= 0x10;
      await fs.writeFile(file, damaged);
      const outcome = await scanRows().catch((error: Error) => error);
      if (outcome instanceof Error) {
        expect(outcome.message, `flip at byte ${offset}`).toContain(object.key);
        errors++;
      } else {
        expect(outcome, `flip at byte ${offset}`).toBe(expected);
      }
    }
    await fs.writeFile(file, original);
    expect(errors).toBeGreaterThan(original.length / 4);
  }, 120_000);
});
