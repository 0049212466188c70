import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Field, Float32, List, makeTable, vectorFromArray } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkysiftClient } from '../../client/skysift-client.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';

const EVENTS = 1000;
const OUTPUT = { kind: 'histogram', bins: 10, low: 0, high: 1000 } as const;

/** MET_pt rises with the event number, so each object of 100 events covers its own range. */
function risingEvents() {
  const met = Float32Array.from({ length: EVENTS }, (_, i) => i);
  const jets = Array.from({ length: EVENTS }, (_, i) => (i < 500 ? [10, 20] : [10, 60, 70]));
  return makeTable({
    MET_pt: vectorFromArray(met),
    Jet_pt: vectorFromArray(jets, new List(new Field('item', new Float32(), true))),
  });
}

describe('object pruning by column statistics', () => {
  let dir: string;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-prune-'));
    const store = new LocalObjectStore(dir);
    await appendTable(store, 'rising', [risingEvents()], {
      eventsPerObject: 100,
      nodes: ['node-1', 'node-2'],
    });
    cluster = await startEmbeddedCluster({ store, nodes: 2 });
    client = new SkysiftClient(cluster.endpoint);
  });

  afterAll(async () => {
    client.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: 'comparison', where: 'e.MET_pt >= 950', skipped: 9, entries: 50 },
    { name: 'constant on the left', where: '950 <= e.MET_pt', skipped: 9, entries: 50 },
    { name: 'chained comparison', where: '100 <= e.MET_pt < 300', skipped: 8, entries: 200 },
    {
      name: 'and of one prunable branch',
      where: 'e.MET_pt < 100 and e.Jet_pt[0] > 0',
      skipped: 9,
      entries: 100,
    },
    {
      name: 'or of prunable branches',
      where: 'e.MET_pt < 50 or e.MET_pt > 949',
      skipped: 8,
      entries: 100,
    },
    {
      name: 'or with an open branch',
      where: 'e.MET_pt < 50 or len(e.Jet_pt) > 0',
      skipped: 0,
      entries: 1000,
    },
    { name: 'not never prunes', where: 'not (e.MET_pt < 950)', skipped: 0, entries: 50 },
    { name: 'equality', where: 'e.MET_pt == 123', skipped: 9, entries: 1 },
    { name: 'inequality never prunes', where: 'e.MET_pt != 123', skipped: 0, entries: 999 },
    {
      name: 'count of impossible elements',
      where: 'e.Jet.Where(lambda j: j.pt > 50).Count() >= 1',
      skipped: 5,
      entries: 500,
    },
  ];

  for (const c of cases) {
    it(`${c.name} skips ${c.skipped} objects`, async () => {
      const query = `Where(lambda e: ${c.where}).Select(lambda e: e.MET_pt)`;
      const result = await client.query({ dataset: 'rising', query, output: OUTPUT });
      const histogram = result.aggregate as HistogramPartial;
      expect(result.summary.objectsSkipped).toBe(c.skipped);
      expect(result.summary.objectsScanned).toBe(10 - c.skipped);
      expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(c.entries);
      expect(result.summary.eventsSelected).toBe(c.entries);
    });
  }
});
