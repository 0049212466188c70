import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ObjectExistsError, ObjectNotFoundError } from '../../object-class/store/object-store.js';
import { S3StoreError } from '../../object-class/store/s3-errors.js';
import { S3ObjectStore, type S3ObjectStoreOptions } from '../../object-class/store/s3-store.js';
import { readClusterEnv } from '../setup/ceph-global-setup.js';
import { s3TestTarget } from '../setup/s3-test-target.js';

const run = promisify(execFile);
const SERVICES_DIR = fileURLToPath(new URL('../services/', import.meta.url));

const target = s3TestTarget();
const suiteName = target.available
  ? 'S3ObjectStore on a Ceph RADOS gateway'
  : `S3ObjectStore on a Ceph RADOS gateway (skipped: ${target.reason})`;

/** Creates a pino logger that keeps its records in memory, so tests can check what was logged. */
function recordingLogger(): { logger: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const destination = { write: (line: string) => records.push(JSON.parse(line)) };
  return { logger: pino({ level: 'debug' }, destination), records };
}

function uniqueBucket(label: string): string {
  return `skysift-${label}-${randomBytes(4).toString('hex')}`;
}

/** Runs `task` over `items` with at most `limit` calls in flight. */
async function forEachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe.skipIf(!target.available)(suiteName, () => {
  const connection = target.available
    ? {
        endpoint: target.endpoint,
        region: target.region,
        credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey },
      }
    : {};
  const stores: S3ObjectStore[] = [];
  let store: S3ObjectStore;

  function upstream(): URL {
    return new URL(target.available ? target.endpoint : 'http://127.0.0.1:1');
  }

  function openStore(options: Partial<S3ObjectStoreOptions> = {}): S3ObjectStore {
    const created = new S3ObjectStore({
      bucket: store?.bucket ?? uniqueBucket('store'),
      createBucket: true,
      logger: pino({ level: 'silent' }),
      ...connection,
      ...options,
    });
    stores.push(created);
    return created;
  }

  beforeAll(async () => {
    store = openStore({ bucket: uniqueBucket('store') });
    await store.ensureBucket();
  });

  afterAll(async () => {
    await Promise.all(stores.map((opened) => opened.close()));
  });

  it('put and get round trip', async () => {
    const body = randomBytes(100_000);
    await store.put('roundtrip/a.bin', body);

    const read = await store.get('roundtrip/a.bin');
    expect(Buffer.from(read).equals(body)).toBe(true);
    expect(await store.head('roundtrip/a.bin')).toEqual({ size: body.length });
  });

  it('put replaces an existing object', async () => {
    await store.put('roundtrip/replaced.txt', Buffer.from('first'));
    await store.put('roundtrip/replaced.txt', Buffer.from('second'));

    expect(Buffer.from(await store.get('roundtrip/replaced.txt')).toString()).toBe('second');
  });

  it('put and get of an empty object', async () => {
    await store.put('roundtrip/empty', new Uint8Array(0));

    expect((await store.get('roundtrip/empty')).byteLength).toBe(0);
    expect(await store.head('roundtrip/empty')).toEqual({ size: 0 });
  });

  it('getRange reads first, middle and last bytes', async () => {
    const body = randomBytes(10_000);
    await store.put('range/object.bin', body);

    const first = await store.getRange('range/object.bin', 0, 16);
    const middle = await store.getRange('range/object.bin', 4_321, 1_000);
    const last = await store.getRange('range/object.bin', 9_990, 10);
    const whole = await store.getRange('range/object.bin', 0, 10_000);
    const empty = await store.getRange('range/object.bin', 10_000, 0);

    expect(Buffer.from(first).equals(body.subarray(0, 16))).toBe(true);
    expect(Buffer.from(middle).equals(body.subarray(4_321, 5_321))).toBe(true);
    expect(Buffer.from(last).equals(body.subarray(9_990))).toBe(true);
    expect(Buffer.from(whole).equals(body)).toBe(true);
    expect(empty.byteLength).toBe(0);
  });

  it('getRange past the end throws RangeError', async () => {
    await store.put('range/short.bin', randomBytes(100));

    await expect(store.getRange('range/short.bin', 90, 20)).rejects.toThrow(RangeError);
    await expect(store.getRange('range/short.bin', 100, 1)).rejects.toThrow(RangeError);
    await expect(store.getRange('range/short.bin', 500, 10)).rejects.toThrow(RangeError);
    await expect(store.getRange('range/short.bin', 101, 0)).rejects.toThrow(RangeError);
    await expect(store.getRange('range/short.bin', -1, 10)).rejects.toThrow(RangeError);
  });

  it('missing key throws ObjectNotFoundError', async () => {
    await expect(store.get('missing/key')).rejects.toThrow(ObjectNotFoundError);
    await expect(store.getRange('missing/key', 0, 10)).rejects.toThrow(ObjectNotFoundError);
    await expect(store.getRange('missing/key', 0, 0)).rejects.toThrow(ObjectNotFoundError);
    expect(await store.head('missing/key')).toBeNull();

    const error = await store.get('missing/key').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'OBJECT_NOT_FOUND', key: 'missing/key' });
    expect((error as Error).message).toContain(store.description);
  });

  it('invalid keys throw TypeError', async () => {
    await expect(store.get('')).rejects.toThrow(TypeError);
    await expect(store.put('/leading-slash', new Uint8Array(1))).rejects.toThrow(TypeError);
  });

  it('keys with special characters round trip', async () => {
    const keys = [
      'special/with space.txt',
      'special/plus+sign',
      'special/percent%20literal',
      'special/unicode-é-π-😀',
      'special/a=b&c?d#e',
      'special/tilde~and;semicolon',
    ];

    for (const key of keys) await store.put(key, Buffer.from(key));

    for (const key of keys) {
      expect(Buffer.from(await store.get(key)).toString(), key).toBe(key);
    }
    expect(await store.list('special/')).toEqual([...keys].sort());
    await store.delete(keys);
    expect(await store.list('special/')).toEqual([]);
  });

  it('list pages over more than 1000 keys', async () => {
    const keys = Array.from({ length: 1_100 }, (_, i) => `many/k-${String(i).padStart(5, '0')}`);
    await forEachLimited(keys, 32, (key) => store.put(key, Buffer.from(key)));
    await store.put('many-other/outside', Buffer.from('x'));

    const listed = await store.list('many/');
    expect(listed.length).toBe(1_100);
    expect(listed).toEqual(keys);
    expect(await store.list('many/k-0109')).toEqual(keys.slice(1_090, 1_100));
    expect(await store.list('nothing-here/')).toEqual([]);
  });

  it('delete removes more than 1000 keys', async () => {
    const keys = Array.from({ length: 1_050 }, (_, i) => `bulk/k-${String(i).padStart(5, '0')}`);
    await forEachLimited(keys, 32, (key) => store.put(key, new Uint8Array([1])));
    await store.put('bulk-kept/one', new Uint8Array([2]));

    await store.delete([...keys, 'bulk/never-written']);

    expect(await store.list('bulk/')).toEqual([]);
    expect(await store.list('bulk-kept/')).toEqual(['bulk-kept/one']);
    await expect(store.delete([])).resolves.toBeUndefined();
  });

  it('create-only put twice throws ObjectExistsError', async () => {
    await store.put('manifest/v-1.json', Buffer.from('{"v":1}'), { ifNoneMatch: true });

    const second = store.put('manifest/v-1.json', Buffer.from('{"v":2}'), { ifNoneMatch: true });
    await expect(second).rejects.toThrow(ObjectExistsError);
    expect(Buffer.from(await store.get('manifest/v-1.json')).toString()).toBe('{"v":1}');
  });

  it('racing create-only puts have one winner', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `race/manifest-${round}.json`;
      const bodies = Array.from({ length: 6 }, (_, writer) => Buffer.from(`writer ${writer}`));

      const results = await Promise.allSettled(
        bodies.map((body) => store.put(key, body, { ifNoneMatch: true })),
      );

      const winners = results.flatMap((result, writer) =>
        result.status === 'fulfilled' ? [writer] : [],
      );
      const losers = results.filter((result) => result.status === 'rejected');
      expect(winners.length).toBe(1);
      for (const loser of losers) {
        expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(ObjectExistsError);
      }
      const stored = Buffer.from(await store.get(key));
      expect(stored.equals(bodies[winners[0] as number] as Buffer)).toBe(true);
    }
  });

  it('multipart put of 40 MB reads back byte-exact', async () => {
    const body = randomBytes(40 * 1024 * 1024 + 123);
    const before = store.stats();

    await store.put('large/object.bin', body);

    expect(await store.head('large/object.bin')).toEqual({ size: body.length });
    const read = await store.get('large/object.bin');
    expect(read.byteLength).toBe(body.length);
    expect(Buffer.from(read).equals(body)).toBe(true);
    const tail = await store.getRange('large/object.bin', body.length - 1_000, 1_000);
    expect(Buffer.from(tail).equals(body.subarray(body.length - 1_000))).toBe(true);

    const after = store.stats();
    expect(after.bytesSent - before.bytesSent).toBe(body.length);
    expect(after.bytesFetched - before.bytesFetched).toBe(body.length + 1_000);
    // 16 MiB parts: three UploadPart requests plus create, complete, head, get and range.
    expect(after.requests - before.requests).toBeGreaterThanOrEqual(8);
  });

  it('prefix keeps keys apart', async () => {
    const prefixed = openStore({ prefix: 'tenant-a/' });
    await prefixed.put('data/x', Buffer.from('in tenant a'));

    expect(prefixed.description).toBe(`s3://${store.bucket}/tenant-a`);
    expect(await prefixed.list('data/')).toEqual(['data/x']);
    expect(await store.list('tenant-a/')).toEqual(['tenant-a/data/x']);
    expect(Buffer.from(await store.get('tenant-a/data/x')).toString()).toBe('in tenant a');
  });

  it('wrong secret key throws a clear error', async () => {
    const wrong = openStore({
      credentials: { accessKeyId: connection.credentials!.accessKeyId, secretAccessKey: 'wrong' },
      createBucket: false,
    });

    const error = await wrong.get('roundtrip/a.bin').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(S3StoreError);
    expect(error).toMatchObject({ code: 'S3_ACCESS_DENIED' });
    expect((error as Error).message).toContain('AWS_SECRET_ACCESS_KEY');
    await expect(wrong.put('x', new Uint8Array(1))).rejects.toMatchObject({
      code: 'S3_ACCESS_DENIED',
    });
  });

  it('ensureBucket creates a missing bucket', async () => {
    const fresh = openStore({ bucket: uniqueBucket('fresh'), createBucket: false });

    await expect(fresh.get('a')).rejects.toMatchObject({ code: 'S3_BUCKET_NOT_FOUND' });
    await fresh.ensureBucket();
    await fresh.ensureBucket();
    await fresh.put('a', Buffer.from('created'));
    expect(Buffer.from(await fresh.get('a')).toString()).toBe('created');
  });

  it('createBucket option creates the bucket on first use', async () => {
    const lazy = openStore({ bucket: uniqueBucket('lazy'), createBucket: true });
    const keys = Array.from({ length: 20 }, (_, i) => `lazy/${String(i).padStart(2, '0')}`);

    await Promise.all(keys.map((key) => lazy.put(key, Buffer.from(key))));

    expect(await lazy.list('')).toEqual(keys);
  });

  it('retries throttled requests and logs each retry', async () => {
    const proxy = await startFaultProxy(upstream(), (_request, n) =>
      n <= 3 ? 'throttle' : 'pass',
    );
    const { logger, records: records } = recordingLogger();
    const throttled = openStore({ endpoint: proxy.endpoint, logger, createBucket: false });
    await store.put('throttle/object', Buffer.from('after throttling'));

    try {
      const read = await throttled.get('throttle/object');

      expect(Buffer.from(read).toString()).toBe('after throttling');
      expect(throttled.stats().retries).toBe(3);
      const retries = records.filter((record) => record.msg === 'S3 request failed; retrying');
      expect(retries.map((record) => record.attempt)).toEqual([1, 2, 3]);
      expect(retries[0]).toMatchObject({ component: 's3-store', key: 'throttle/object' });
      expect(retries[0]?.err).toMatchObject({ name: 'SlowDown', status: 503 });
    } finally {
      await proxy.close();
    }
  });

  it('gives up after maxAttempts and logs the failure', async () => {
    const proxy = await startFaultProxy(upstream(), () => 'throttle');
    const { logger, records: records } = recordingLogger();
    const throttled = openStore({
      endpoint: proxy.endpoint,
      logger,
      createBucket: false,
      maxAttempts: 2,
    });

    try {
      const error = await throttled.get('throttle/object').catch((caught: unknown) => caught);

      expect(error).toMatchObject({ code: 'S3_REQUEST_FAILED' });
      expect(proxy.requests()).toBe(2);
      const failures = records.filter((record) => record.msg === 'S3 request failed');
      expect(failures.length).toBe(1);
      expect(failures[0]).toMatchObject({ level: 50, key: 'throttle/object' });
    } finally {
      await proxy.close();
    }
  });

  it('failed multipart put aborts the upload', async () => {
    const proxy = await startFaultProxy(upstream(), (request) =>
      request.url?.includes('partNumber=2') ? 'throttle' : 'pass',
    );
    const failing = openStore({
      endpoint: proxy.endpoint,
      createBucket: false,
      maxAttempts: 2,
      multipartPartBytes: 5 * 1024 * 1024,
    });
    const body = randomBytes(12 * 1024 * 1024);

    try {
      const put = failing.put('aborted/object.bin', body);
      await expect(put).rejects.toMatchObject({ code: 'S3_REQUEST_FAILED' });
      expect(proxy.requests()).toBeGreaterThanOrEqual(4);

      expect(await store.head('aborted/object.bin')).toBeNull();
      const uploads = await listMultipartUploads('aborted/');
      expect(uploads).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('create-only put survives a dropped response', async () => {
    let dropped = 0;
    const proxy = await startFaultProxy(upstream(), (request) => {
      if (request.method !== 'PUT' || dropped > 0) return 'pass';
      dropped++;
      return 'drop-response';
    });
    const flaky = openStore({ endpoint: proxy.endpoint, createBucket: false });
    const body = Buffer.from('{"version":7}');

    try {
      await flaky.put('dropped/manifest-7.json', body, { ifNoneMatch: true });

      expect(dropped).toBe(1);
      expect(flaky.stats().retries).toBe(1);
      expect(Buffer.from(await store.get('dropped/manifest-7.json')).equals(body)).toBe(true);
      const other = flaky.put('dropped/manifest-7.json', Buffer.from('{"version":8}'), {
        ifNoneMatch: true,
      });
      await expect(other).rejects.toThrow(ObjectExistsError);
    } finally {
      await proxy.close();
    }
  });

  /** Lists the multipart uploads in progress under a key prefix, with a plain SDK client. */
  async function listMultipartUploads(prefix: string): Promise<string[]> {
    const client = new S3Client({
      ...connection,
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      const response = await client.send(
        new ListMultipartUploadsCommand({ Bucket: store.bucket, Prefix: prefix }),
      );
      return (response.Uploads ?? []).map((upload) => upload.Key ?? '');
    } finally {
      client.destroy();
    }
  }

  // The restart runs on a cluster of its own, so suites sharing the global cluster in parallel
  // never see the gateway go down.
  it.skipIf(!target.available || target.clusterDir === undefined)(
    'reads survive a gateway restart',
    async () => {
      const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skysift-ceph-restart-'));
      const clusterDir = path.join(workDir, 'cluster');
      await run('bash', [path.join(SERVICES_DIR, 'ceph-start.sh'), clusterDir], {
        env: { ...process.env, SKYSIFT_CEPH_OWNER_PID: String(process.pid) },
      });

      try {
        await readThroughRestart(clusterDir);
      } finally {
        await run('bash', [path.join(SERVICES_DIR, 'ceph-stop.sh'), clusterDir]);
        await fs.rm(workDir, { recursive: true, force: true });
      }
    },
  );

  /** Reads one object in a loop while the gateway restarts, checking every read and the retries. */
  async function readThroughRestart(clusterDir: string): Promise<void> {
    const cluster = await readClusterEnv(clusterDir);
    const { logger, records: records } = recordingLogger();
    // 10 attempts wait at least 13 s in total, more than a loaded machine needs for the restart.
    const restarting = openStore({
      endpoint: cluster.endpoint,
      credentials: { accessKeyId: cluster.accessKeyId, secretAccessKey: cluster.secretAccessKey },
      bucket: uniqueBucket('restart'),
      logger,
      maxAttempts: 10,
    });
    const body = randomBytes(64 * 1024);
    await restarting.put('restart/object.bin', body);

    let restartDone = false;
    const restart = run('bash', [
      path.join(SERVICES_DIR, 'ceph-restart-gateway.sh'),
      clusterDir,
      '1500',
    ])
      .then(
        () => undefined,
        (error: unknown) => error,
      )
      .finally(() => {
        restartDone = true;
      });

    let reads = 0;
    while (!restartDone || reads < 5) {
      const read = await restarting.get('restart/object.bin');
      expect(Buffer.from(read).equals(body)).toBe(true);
      reads++;
      if (!restartDone) await new Promise((resolve) => setTimeout(resolve, 20));
    }

    expect(await restart).toBeUndefined();
    expect(restarting.stats().retries).toBeGreaterThan(0);
    const retries = records.filter((record) => record.msg === 'S3 request failed; retrying');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({ level: 40, operation: 'get', key: 'restart/object.bin' });
  }
});

describe('S3ObjectStore configuration', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('missing endpoint throws instead of using AWS', () => {
    delete process.env.AWS_ENDPOINT_URL;

    const create = () =>
      new S3ObjectStore({ bucket: 'b', credentials: { accessKeyId: 'a', secretAccessKey: 's' } });
    expect(create).toThrow(S3StoreError);
    expect(create).toThrow(/AWS_ENDPOINT_URL/);
  });

  it('missing credentials throw', () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;

    const create = () => new S3ObjectStore({ bucket: 'b', endpoint: 'http://127.0.0.1:9' });
    expect(create).toThrow(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it('endpoint comes from AWS_ENDPOINT_URL', () => {
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:7480';
    process.env.AWS_ACCESS_KEY_ID = 'a';
    process.env.AWS_SECRET_ACCESS_KEY = 's';

    const store = new S3ObjectStore({ bucket: 'b', prefix: '/p/q/' });
    expect(store.endpoint).toBe('http://127.0.0.1:7480');
    expect(store.description).toBe('s3://b/p/q');
  });

  it('invalid endpoint and part size throw', () => {
    const credentials = { accessKeyId: 'a', secretAccessKey: 's' };

    expect(() => new S3ObjectStore({ bucket: 'b', credentials, endpoint: '127.0.0.1:9' })).toThrow(
      TypeError,
    );
    expect(
      () =>
        new S3ObjectStore({
          bucket: 'b',
          credentials,
          endpoint: 'http://127.0.0.1:9',
          multipartPartBytes: 1024,
        }),
    ).toThrow(RangeError);
  });

  it('request timeout fails after the retries', async () => {
    const silent = await startSilentServer();
    const store = new S3ObjectStore({
      bucket: 'b',
      endpoint: silent.endpoint,
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
      requestTimeoutMs: 200,
      maxAttempts: 2,
      logger: pino({ level: 'silent' }),
    });

    try {
      const started = Date.now();
      const error = await store.get('k').catch((caught: unknown) => caught);

      expect(error).toMatchObject({ code: 'S3_REQUEST_FAILED' });
      expect((error as Error).message).toMatch(/timed out after 200 ms/);
      expect(store.stats()).toMatchObject({ requests: 2, retries: 1 });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await store.close();
      await silent.close();
    }
  });

  it('refused connections are retried then reported', async () => {
    const port = await closedPort();
    const store = new S3ObjectStore({
      bucket: 'b',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
      maxAttempts: 3,
      logger: pino({ level: 'silent' }),
    });

    const error = await store.head('k').catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: 'S3_REQUEST_FAILED' });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect(store.stats()).toMatchObject({ requests: 3, retries: 2 });
    await store.close();
  });
});

/** What the fault proxy does with one request. */
type Fault = 'pass' | 'throttle' | 'drop-response';

/**
 * Starts an HTTP proxy on 127.0.0.1 in front of the S3 gateway. For each request, `faultFor`
 * (given the request and its 1-based number) chooses: forward it unchanged, respond with 503 SlowDown
 * without forwarding, or forward it and then drop the client connection before the response.
 * The Host header is forwarded as the client signed it, so signatures stay valid.
 */
async function startFaultProxy(
  upstream: URL,
  faultFor: (request: http.IncomingMessage, requestNumber: number) => Fault,
): Promise<{ endpoint: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = http.createServer((request, response) => {
    requests++;
    const fault = faultFor(request, requests);
    if (fault === 'throttle') {
      request.resume();
      response.writeHead(503, { 'content-type': 'application/xml' });
      response.end(
        '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>' +
          '<Message>Please reduce your request rate.</Message></Error>',
      );
      return;
    }

    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (upstreamResponse) => {
        if (fault === 'drop-response') {
          upstreamResponse.resume();
          upstreamResponse.on('end', () => request.socket.destroy());
          return;
        }
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => closeServer(server),
  };
}

/** Starts a TCP server on 127.0.0.1 that accepts connections and never responds. */
async function startSilentServer(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return closeServer(server);
    },
  };
}

/** Returns a port on 127.0.0.1 that was free a moment ago and has no listener. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await closeServer(server);
  return port;
}

function closeServer(server: net.Server): Promise<void> {
  if ('closeAllConnections' in server) (server as http.Server).closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
