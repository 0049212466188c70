import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../client/io/event-generator.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { deliveryApi, readResultFile } from './delivery-http.js';

const QUERY = "Where(lambda e: e.nJet >= 2).Select(lambda e: {'met': e.MET_pt, 'n': e.nJet})";
const START_TIMEOUT_MS = 30_000;

interface DeliveryProcess {
  child: ChildProcess;
  url: string;
  stop(): Promise<number | null>;
}

/** Starts `skysift delivery` (the compiled CLI) and waits for its listening line. */
function startDeliveryProcess(args: string[]): Promise<DeliveryProcess> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'skysift.js'), 'delivery', '--port', '0', ...args],
    { env: { ...process.env, SKYSIFT_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`skysift delivery did not start within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+):(\d+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ child, url: `http://${match[1]}:${match[2]}`, stop: () => stopChild(child) });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`skysift delivery exited with status ${code} before listening: ${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('skysift delivery command', () => {
  let home: string;
  let store: LocalObjectStore;
  let objects: number;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'skysift-delivery-cli-'));
    store = new LocalObjectStore(home);
    const manifest = await appendTable(
      store,
      'events',
      [generateEvents({ events: 1200, seed: 21 })],
      {
        eventsPerObject: 300,
        nodes: ['node-1', 'node-2'],
      },
    );
    objects = manifest.objects.length;
  });

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('serves requests with an embedded cluster', async () => {
    const daemon = await startDeliveryProcess(['--home', home, '--nodes', '2']);
    try {
      const outputDir = path.join(home, 'downloads');
      const run = await runCli([
        'deliver',
        '--dataset',
        'events',
        '--wait',
        '--url',
        daemon.url,
        '-o',
        outputDir,
        QUERY,
      ]);
      expect(run.stderr).toMatch(/^request [0-9a-f-]{36}\n/);
      expect(run.stderr).toContain(`Complete: ${objects} of ${objects} files, 0 failed`);
      expect(run.status).toBe(0);
      const names = run.stdout.trim().split('\n');
      expect(names).toEqual([
        'part-00001.parquet',
        'part-00002.parquet',
        'part-00003.parquet',
        'part-00004.parquet',
      ]);
      expect(readdirSync(outputDir).sort()).toEqual(names);

      const rows = names
        .map((name) =>
          readResultFile(new Uint8Array(readFileSync(path.join(outputDir, name))), 'parquet'),
        )
        .reduce((sum, table) => sum + table.numRows, 0);
      const api = deliveryApi(daemon.url);
      const listing = (await api.call('GET', '/servicex/transformation')).body.requests as Record<
        string,
        unknown
      >[];
      expect(listing).toHaveLength(1);
      expect(listing[0]['rows-written']).toBe(rows);
      expect(rows).toBeGreaterThan(0);

      const cached = await runCli(['deliver', '--dataset', 'events', '--url', daemon.url, QUERY]);
      expect(cached.status).toBe(0);
      expect(cached.stdout.trim()).toBe(listing[0].request_id);
      expect(cached.stderr).toContain('(cached)');
    } finally {
      expect(await daemon.stop()).toBe(0);
    }
  });

  it('uses a transformer given by --endpoint', async () => {
    let cluster: EmbeddedCluster | undefined;
    try {
      cluster = await startEmbeddedCluster({ store, nodes: 2 });
      const daemon = await startDeliveryProcess(['--home', home, '--endpoint', cluster.endpoint]);
      try {
        const api = deliveryApi(daemon.url);
        const restarted = (await api.call('GET', '/servicex/transformation')).body
          .requests as unknown[];
        expect(restarted).toHaveLength(1);

        const submitted = await api.submit({
          did: 'skysift://events',
          selection: QUERY,
          'result-format': 'arrow',
        });
        const done = await api.waitFor(String(submitted.body.request_id), ['Complete', 'Failed']);
        expect(done.status).toBe('Complete');
        expect(done['result-files']).toBe(objects);

        const missing = await runCli(['deliver', '--dataset', 'nope', '--url', daemon.url, QUERY]);
        expect(missing.status).toBe(1);
        expect(missing.stderr).toContain(
          "skysift deliver: Delivery service returned 400: Dataset 'nope' not found",
        );
      } finally {
        expect(await daemon.stop()).toBe(0);
      }
    } finally {
      await cluster?.close();
    }
  });

  it('rejects invalid options', async () => {
    const port = await runCli(['delivery', '--port', 'http']);
    expect(port.status).toBe(2);
    expect(port.stderr).toBe(
      "skysift delivery: Invalid --port value 'http': expected a whole number from 0 to 65535 " +
        "(see 'skysift delivery --help')\n",
    );
    const url = await runCli(['deliver', '--dataset', 'events', '--url', 'ftp://127.0.0.1', QUERY]);
    expect(url.status).toBe(2);
    expect(url.stderr).toContain(
      "Invalid --url value 'ftp://127.0.0.1': expected an http:// or https:// URL",
    );
  });
});
