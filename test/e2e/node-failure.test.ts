import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkysiftClient } from '../../client/skysift-client.js';
import { generateEvents } from '../../client/io/event-generator.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import type { RunningService } from '../../server/storage-node-server.js';
import { startTransformer } from '../../server/transformer-server.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';

const QUERY =
  'Where(lambda e: e.Jet.Where(lambda j: j.pt > 40).Count() >= 2).Select(lambda e: e.MET_pt)';
const OUTPUT = { kind: 'histogram', bins: 100, low: 0, high: 2000 } as const;
/** Backoff of eight attempts spans about 12 s, far longer than a node restart. */
const MAX_ATTEMPTS = 8;

describe('storage node killed mid-query', () => {
  let home: string;
  let store: LocalObjectStore;
  const nodes: NodeProcess[] = [];
  let transformer: RunningService;
  let client: SkysiftClient;
  let expected: unknown;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'skysift-kill-'));
    store = new LocalObjectStore(home);
    const events = generateEvents({ events: 4000, seed: 7 });
    await appendTable(store, 'events', [events], {
      eventsPerObject: 50,
      nodes: ['node-1', 'node-2'],
    });
    await appendTable(store, 'replicated', [events], {
      eventsPerObject: 50,
      nodes: ['node-1', 'node-2'],
      replicas: 2,
    });
    nodes.push(await startNodeProcess('node-1', home), await startNodeProcess('node-2', home));
    transformer = await startTransformer({
      store,
      nodes: nodes.map((n) => ({ id: n.id, address: n.address })),
      port: 0,
      concurrency: 2,
      maxAttempts: MAX_ATTEMPTS,
    });
    client = new SkysiftClient(transformer.address);
    expected = (await client.query({ dataset: 'events', query: QUERY, output: OUTPUT })).aggregate;
  });

  afterAll(async () => {
    client?.close();
    await transformer?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(home, { recursive: true, force: true });
  });

  it('retries on a restarted node and returns the exact result', async () => {
    const victim = nodes[1];
    // A stopped node keeps its scans pending, so the kill lands while the query is in flight.
    victim.child.kill('SIGSTOP');
    const running = client.query({ dataset: 'events', query: QUERY, output: OUTPUT });
    await new Promise((resolve) => setTimeout(resolve, 200));
    victim.child.kill('SIGKILL');
    nodes[1] = await startNodeProcess('node-2', home, victim.port);

    const result = await running;
    expect(result.aggregate).toEqual(expected);
    expect(result.summary.retries).toBeGreaterThan(0);
    expect(result.summary.objectsScanned).toBe(80);
    expect(result.summary.eventsScanned).toBe(4000);
  });

  it('serves objects from a replica while a node is down', async () => {
    const victim = nodes[1];
    victim.child.kill('SIGKILL');
    try {
      const result = await client.query({ dataset: 'replicated', query: QUERY, output: OUTPUT });
      expect(result.aggregate).toEqual(expected);
      expect(result.summary.objectsPerNode).toEqual({ 'node-1': 80 });
      expect(result.summary.eventsScanned).toBe(4000);
    } finally {
      nodes[1] = await startNodeProcess('node-2', home, victim.port);
    }
  });

  it('fails naming the node when it stays down', async () => {
    const victim = nodes[1];
    victim.child.kill('SIGSTOP');
    const running = client.query({ dataset: 'events', query: QUERY, output: OUTPUT });
    await new Promise((resolve) => setTimeout(resolve, 200));
    victim.child.kill('SIGKILL');

    await expect(running).rejects.toThrow(
      /failed on storage node node-2 \(127\.0\.0\.1:\d+\).*no result was returned/,
    );
    nodes[1] = await startNodeProcess('node-2', home, victim.port);
    const again = await client.query({ dataset: 'events', query: QUERY, output: OUTPUT });
    expect(again.aggregate).toEqual(expected);
  });
});
