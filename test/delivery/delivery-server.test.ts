import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../client/io/event-generator.js';
import { SkysiftClient } from '../../client/skysift-client.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { requireManifest } from '../../object-class/dataset/manifest.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import {
  startDeliveryServer,
  type RunningDeliveryServer,
} from '../../server/delivery/delivery-server.js';
import { MAX_REQUEST_BODY_BYTES } from '../../server/delivery/http-io.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { deliveryApi, getRawPath, plainRows, readResultFile } from './delivery-http.js';

const QUERY =
  "Where(lambda e: e.nJet >= 1).Select(lambda e: {'met': e.MET_pt, 'n': e.nJet, 'pts': e.Jet_pt})";
/** The same query with other spacing: it normalizes to the same qastle. */
const QUERY_RESPACED =
  "Where(lambda e:e.nJet>=1).Select(lambda e: {'met':e.MET_pt,'n': e.nJet,  'pts':e.Jet_pt})";
const NODES = ['node-1', 'node-2'];

type Api = ReturnType<typeof deliveryApi>;

let home: string;
let store: LocalObjectStore;
let cluster: EmbeddedCluster;
let server: RunningDeliveryServer;
let api: Api;
let client: SkysiftClient;

async function ingest(dataset: string, events: number, eventsPerObject: number, seed: number) {
  const table = generateEvents({ events, seed });
  return appendTable(store, dataset, [table], { eventsPerObject, nodes: NODES });
}

async function startServer(): Promise<void> {
  server = await startDeliveryServer({ store, transformer: cluster.endpoint, port: 0 });
  api = deliveryApi(server.url);
}

async function resultKeys(id: string): Promise<string[]> {
  return (await store.list(`deliveries/${id}/`)).filter((key) => /part-\d+\./.test(key));
}

async function readAllResults(id: string, format: 'parquet' | 'arrow'): Promise<Table[]> {
  const listing = await api.call('GET', `/servicex/transformation/${id}/results`);
  const files = listing.body.files as { name: string; rows: number; size: number }[];
  const tables: Table[] = [];
  for (const file of files) {
    const bytes = await api.download(id, file.name);
    expect(bytes.length).toBe(file.size);
    expect(bytes).toEqual(await store.get(`deliveries/${id}/${file.name}`));
    const table = readResultFile(bytes, format);
    expect(table.numRows).toBe(file.rows);
    tables.push(table);
  }
  return tables;
}

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'skysift-delivery-'));
  store = new LocalObjectStore(home);
  await ingest('events', 2000, 250, 11);
  await ingest('long', 16_000, 20, 12);
  await ingest('growing', 400, 100, 13);
  await ingest('broken', 400, 100, 14);
  cluster = await startEmbeddedCluster({ store, nodes: 2 });
  client = new SkysiftClient(cluster.endpoint);
  await startServer();
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await cluster?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('delivery of result files', () => {
  it('writes one Parquet file per object', async () => {
    const submitted = await api.submit({ title: 'met', did: 'skysift://events', selection: QUERY });
    expect(submitted.status).toBe(200);
    expect(submitted.body.cached).toBe(false);
    const id = String(submitted.body.request_id);

    const done = await api.waitFor(id, ['Complete', 'Failed', 'Canceled']);
    expect(done.status).toBe('Complete');
    expect(done['total-files']).toBe(8);
    expect(done['files-completed']).toBe(8);
    expect(done['files-failed']).toBe(0);
    expect(done['files-remaining']).toBe(0);
    expect(done.title).toBe('met');
    expect(typeof done['finish-time']).toBe('string');
    expect(await resultKeys(id)).toHaveLength(8);

    const tables = await readAllResults(id, 'parquet');
    const expected = (await client.query({ dataset: 'events', query: QUERY })).table as Table;
    const delivered = tables.flatMap(plainRows);
    expect(delivered).toHaveLength(expected.numRows);
    expect(delivered).toEqual(plainRows(expected));
    expect(done['rows-written']).toBe(expected.numRows);
  });

  it('writes Arrow IPC files', async () => {
    const submitted = await api.submit({
      did: 'skysift://events',
      selection: QUERY,
      'result-format': 'arrow',
    });
    const id = String(submitted.body.request_id);
    const done = await api.waitFor(id, ['Complete', 'Failed', 'Canceled']);
    expect(done.status).toBe('Complete');

    const listing = await api.call('GET', `/servicex/transformation/${id}/results`);
    const names = (listing.body.files as { name: string }[]).map((f) => f.name);
    expect(names).toEqual(Array.from({ length: 8 }, (_, i) => `part-0000${i + 1}.arrow`));
    const tables = await readAllResults(id, 'arrow');
    const expected = (await client.query({ dataset: 'events', query: QUERY })).table as Table;
    expect(tables.flatMap(plainRows)).toEqual(plainRows(expected));
  });

  it('lists requests and reports health', async () => {
    const health = await api.call('GET', '/healthz');
    expect(health).toEqual({ status: 200, body: { status: 'ok' } });
    const listing = await api.call('GET', '/servicex/transformation');
    const requests = listing.body.requests as { did: string }[];
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.map((r) => r.did)).toContain('skysift://events');
  });

  it('marks a failed scan Failed with its message', async () => {
    const manifest = await requireManifest(store, 'broken');
    await store.delete([manifest.objects[2].key]);
    const submitted = await api.submit({ did: 'skysift://broken', selection: QUERY });
    const id = String(submitted.body.request_id);

    const done = await api.waitFor(id, ['Complete', 'Failed', 'Canceled']);
    expect(done.status).toBe('Failed');
    expect(done['failure-info']).toMatch(
      new RegExp(`Scan of object '${manifest.objects[2].key}' failed on storage node`),
    );
    // Scans run in parallel, so the query may abort before the earlier objects are sent.
    const completed = Number(done['files-completed']);
    expect(completed).toBeLessThanOrEqual(2);
    expect(done['files-failed']).toBe(4 - completed);
    expect(done['files-remaining']).toBe(0);
    expect(await resultKeys(id)).toHaveLength(completed);
  });
});

describe('delivery cache', () => {
  it('returns the complete request for an equal one', async () => {
    const first = await api.submit({ did: 'skysift://events', selection: QUERY });
    const id = String(first.body.request_id);
    await api.waitFor(id, ['Complete']);

    const again = await api.submit({ did: 'skysift://events', selection: QUERY });
    expect(again.body.request_id).toBe(id);
    expect(again.body.cached).toBe(true);
    const respaced = await api.submit({ did: 'skysift://events', selection: QUERY_RESPACED });
    expect(respaced.body.request_id).toBe(id);
  });

  it('misses for ignore-cache, another format and new data', async () => {
    const first = await api.submit({ did: 'skysift://growing', selection: QUERY });
    const id = String(first.body.request_id);
    await api.waitFor(id, ['Complete']);

    const forced = await api.submit({
      did: 'skysift://growing',
      selection: QUERY,
      'ignore-cache': true,
    });
    expect(forced.body.cached).toBe(false);
    expect(forced.body.request_id).not.toBe(id);
    await api.waitFor(String(forced.body.request_id), ['Complete']);

    const arrow = await api.submit({
      did: 'skysift://growing',
      selection: QUERY,
      'result-format': 'arrow',
    });
    expect(arrow.body.request_id).not.toBe(id);

    await ingest('growing', 200, 100, 15);
    const afterAppend = await api.submit({ did: 'skysift://growing', selection: QUERY });
    expect(afterAppend.body.cached).toBe(false);
    expect(afterAppend.body.request_id).not.toBe(id);
    const done = await api.waitFor(String(afterAppend.body.request_id), ['Complete']);
    expect(done['total-files']).toBe(6);
    expect(done['result-files']).toBe(6);
  });
});

describe('delivery cancel', () => {
  it('stops a long request and writes no more files', async () => {
    const submitted = await api.submit({ did: 'skysift://long', selection: QUERY });
    const id = String(submitted.body.request_id);
    const deadline = Date.now() + 30_000;
    while (Number((await api.status(id)).body['files-completed']) < 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    const canceled = await api.call('GET', `/servicex/transformation/${id}/cancel`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('Canceled');
    const written = Number(canceled.body['files-completed']);
    expect(written).toBeGreaterThanOrEqual(1);
    expect(written).toBeLessThan(800);
    expect(canceled.body['files-remaining']).toBe(800 - written);

    await new Promise((resolve) => setTimeout(resolve, 500));
    const later = await api.status(id);
    expect(later.body.status).toBe('Canceled');
    expect(later.body['files-completed']).toBe(written);
    expect(await resultKeys(id)).toHaveLength(written);

    const again = await api.call('DELETE', `/servicex/transformation/${id}`);
    expect(again.status).toBe(409);
    expect(again.body.message).toBe(
      `Request '${id}' is already Canceled: only Submitted or Running requests can be canceled`,
    );
  });

  it('cancels with DELETE and misses the cache afterwards', async () => {
    const submitted = await api.submit({ did: 'skysift://long', selection: QUERY });
    const id = String(submitted.body.request_id);
    const canceled = await api.call('DELETE', `/servicex/transformation/${id}`);
    expect(canceled.status).toBe(200);
    expect(canceled.body.status).toBe('Canceled');
    expect(await resultKeys(id)).toHaveLength(Number(canceled.body['files-completed']));

    const next = await api.submit({ did: 'skysift://long', selection: QUERY });
    expect(next.body.request_id).not.toBe(id);
    await api.call('DELETE', `/servicex/transformation/${String(next.body.request_id)}`);
  });
});

describe('delivery input validation', () => {
  const post = (body: unknown) => api.submit(body);

  it('rejects invalid bodies with 400', async () => {
    const badJson = await post('{"did": ');
    expect(badJson.status).toBe(400);
    expect(badJson.body.message).toMatch(/^Invalid JSON in request body '\{"did": ': /);

    expect(await post([])).toEqual({
      status: 400,
      body: {
        message:
          'Invalid request body \'[]\': expected a JSON object such as {"did": ' +
          '"skysift://DATASET", "selection": "Select(lambda e: e.MET_pt)"}',
      },
    });
    expect(await post({ selection: QUERY })).toEqual({
      status: 400,
      body: {
        message: 'Missing field \'did\': send a dataset identifier such as "skysift://DATASET"',
      },
    });
    expect(await post({ did: 'skysift://events' })).toEqual({
      status: 400,
      body: { message: "Missing field 'selection': send func_adl text or qastle" },
    });
  });

  it('rejects bad dids and formats with 400', async () => {
    expect(await post({ did: 'rucio://user.x:data', selection: QUERY })).toEqual({
      status: 400,
      body: {
        message:
          "Invalid did 'rucio://user.x:data': found scheme 'rucio://', but this server resolves " +
          "only 'skysift://DATASET'; name a dataset such as 'skysift://cms-2012'",
      },
    });
    const unknown = await post({ did: 'skysift://nope', selection: QUERY });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe(
      `Dataset 'nope' not found in ${store.description} (known datasets: broken, events, ` +
        "growing, long); create it with 'skysift ingest'",
    );
    const format = await post({
      did: 'skysift://events',
      selection: QUERY,
      'result-format': 'root',
    });
    expect(format).toEqual({
      status: 400,
      body: { message: 'Invalid result-format \'"root"\': expected one of parquet, arrow' },
    });
    const field = await post({ did: 'skysift://events', selection: QUERY, 'ignore-cahce': true });
    expect(field.status).toBe(400);
    expect(field.body.message).toMatch(/^Unknown request field 'ignore-cahce'/);
  });

  it('rejects query errors with line and column', async () => {
    const syntax = await post({
      did: 'skysift://events',
      selection: 'Select(lambda e: e.MET_pt +)',
    });
    expect(syntax.status).toBe(400);
    expect(syntax.body.message).toBe(
      "Invalid selection: line 1, column 28: Unexpected token ')', expected an expression\n" +
        '  Select(lambda e: e.MET_pt +)\n' +
        '                             ^',
    );
    const name = await post({
      did: 'skysift://events',
      selection: 'Select(lambda e:\n  e.NoSuch)',
    });
    expect(name.status).toBe(400);
    expect(name.body.message).toMatch(/^Invalid selection: line 2, column \d+: .*NoSuch/);
  });

  it('rejects oversized bodies with 413', async () => {
    const body = JSON.stringify({
      did: 'skysift://events',
      selection: 'x'.repeat(MAX_REQUEST_BODY_BYTES),
    });
    const reply = await post(body);
    expect(reply.status).toBe(413);
    expect(reply.body.message).toBe(
      `Request body of ${Buffer.byteLength(body)} bytes is over the limit of ` +
        `${MAX_REQUEST_BODY_BYTES} bytes: send a shorter query`,
    );
  });

  it('returns 404 for unknown ids', async () => {
    const reply = await api.status('no-such-request');
    expect(reply).toEqual({
      status: 404,
      body: {
        message:
          "Request 'no-such-request' not found: list the known requests with GET " +
          '/servicex/transformation',
      },
    });
    expect((await api.call('GET', '/servicex/transformation/no-such-request/results')).status).toBe(
      404,
    );
    expect((await api.call('GET', '/servicex/transformation/no-such-request/cancel')).status).toBe(
      404,
    );
    expect((await api.call('GET', '/servicex/other')).status).toBe(404);
    expect((await api.call('PUT', '/servicex/transformation')).status).toBe(405);
  });

  it('rejects path traversal in result names', async () => {
    const submitted = await api.submit({ did: 'skysift://events', selection: QUERY });
    const id = String(submitted.body.request_id);
    await api.waitFor(id, ['Complete']);
    const base = `/servicex/transformation/${id}/results`;

    const names = ['..%2Frequest.json', '%2E%2E', '..', '..%2F..%2Fdatasets%2Fevents', '.hidden'];
    for (const name of names) {
      const reply = await getRawPath(server.url, `${base}/${name}`);
      expect(reply.status, name).toBe(400);
      expect(reply.body.message).toMatch(/^Invalid result file name '/);
    }
    const upward = await getRawPath(server.url, `${base}/../request.json`);
    expect(upward.status).toBe(404);
    expect(upward.body.message).toMatch(/^No route for GET '.*\/results\/\.\.\/request\.json'/);
    const stateFile = await api.call('GET', `${base}/request.json`);
    expect(stateFile.status).toBe(404);
    expect(stateFile.body.message).toBe(
      `Result file 'request.json' not found in request '${id}' (8 files written): list them ` +
        'with GET /servicex/transformation/ID/results',
    );
    const nested = await api.call('GET', `${base}/part-00001.parquet/extra`);
    expect(nested.status).toBe(404);
  });
});

describe('delivery server restart', () => {
  it('lists past requests and fails interrupted ones', async () => {
    const before = (await api.call('GET', '/servicex/transformation')).body.requests as {
      request_id: string;
      status: string;
    }[];
    const running = await api.submit({
      did: 'skysift://long',
      selection: QUERY,
      'ignore-cache': true,
    });
    const runningId = String(running.body.request_id);
    await api.waitFor(runningId, ['Running']);

    await server.close();
    await store.put('deliveries/corrupt/request.json', new TextEncoder().encode('{"request'));
    await startServer();

    const after = (await api.call('GET', '/servicex/transformation')).body.requests as {
      request_id: string;
      status: string;
    }[];
    expect(after).toHaveLength(before.length + 1);
    for (const request of before) {
      expect(after.find((r) => r.request_id === request.request_id)?.status).toBe(request.status);
    }
    const interrupted = await api.status(runningId);
    expect(interrupted.body.status).toBe('Failed');
    expect(interrupted.body['failure-info']).toBe(
      'The delivery server stopped before the request finished; submit it again',
    );
    const cached = await api.submit({ did: 'skysift://events', selection: QUERY });
    expect(cached.body.cached).toBe(true);
  });
});
