import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLatestManifest } from '../../object-class/dataset/manifest.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { runCli, REPO_ROOT } from '../support/run-cli.js';
import { SAMPLE_DATA_SKIP, sampleDataDir, sampleFiles } from '../support/sample-data.js';

const dataDir = sampleDataDir();
if (dataDir === null) console.warn(`Skipping row object CLI tests: ${SAMPLE_DATA_SKIP}`);

describe.skipIf(dataDir === null)('row objects through the CLI', () => {
  let home: string;
  const queryFile = path.join(REPO_ROOT, 'examples', 'adl', 'query-1.py');

  const queryOne = () =>
    runCli(['query', '--home', home, '--dataset', 'rows', '--file', queryFile, '--format', 'csv']);

  const formats = async () => {
    const manifest = await readLatestManifest(new LocalObjectStore(home), 'rows');
    return manifest!.objects.map((o) => o.format);
  };

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'skysift-rows-cli-'));
    const flat = sampleFiles(dataDir!).flat;
    const args = ['--dataset', 'rows', '--format', 'rows', '--events-per-object', '100'];
    const run = await runCli(['ingest', flat, ...args, '--home', home]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('now 1000 events in 10 objects');
  });

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('query-1 on row objects equals reference', async () => {
    expect(await formats()).toEqual(Array(10).fill('rows'));
    const run = await queryOne();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(readFileSync(sampleFiles(dataDir!).ref('query-1'), 'utf8'));
    expect(run.stderr).toMatch(/events: 1000 scanned/);
  });

  it('query-1 after compact equals reference', async () => {
    const compact = await runCli([
      'compact',
      '--dataset',
      'rows',
      '--events-per-object',
      '400',
      '--home',
      home,
    ]);
    expect(compact.stderr).toBe('');
    expect(compact.status).toBe(0);
    expect(compact.stdout).toContain('replaced 10 row objects by 3 Arrow objects');
    expect(await formats()).toEqual(['arrow', 'arrow', 'arrow']);

    const run = await queryOne();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(readFileSync(sampleFiles(dataDir!).ref('query-1'), 'utf8'));
    expect(run.stderr).toMatch(/objects: 3 scanned, 0 skipped of 3/);
  });

  it('compact without row objects reports none', async () => {
    const run = await runCli(['compact', '--dataset', 'rows', '--home', home]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('has no row objects to compact');
  });

  it('ingest rejects an unknown format', async () => {
    const flat = sampleFiles(dataDir!).flat;
    const run = await runCli(['ingest', flat, '--dataset', 'x', '--format', 'csv', '--home', home]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Invalid --format value 'csv': expected arrow or rows");
  });
});
