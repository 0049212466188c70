import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { placementCounts } from '../support/placement.js';
import { runCli, REPO_ROOT } from '../support/run-cli.js';
import { SAMPLE_DATA_SKIP, sampleDataDir, sampleFiles } from '../support/sample-data.js';

const dataDir = sampleDataDir();
const TASKS = ['query-1', 'query-2', 'query-3', 'query-4', 'query-5'];
const LAYOUTS = ['flat', 'nested'] as const;

/** Renders the manifest's objects per node the way the query summary prints them. */
async function placementText(home: string, dataset: string): Promise<string> {
  const counts = await placementCounts(new LocalObjectStore(home), dataset);
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, count]) => `${node}: ${count}`)
    .join(', ');
}

describe.skipIf(dataDir === null)('ADL references through the CLI and two storage nodes', () => {
  let home: string;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'skysift-e2e-'));
    const files = sampleFiles(dataDir!);
    for (const layout of LAYOUTS) {
      const run = await runCli([
        'ingest',
        files[layout],
        '--dataset',
        layout,
        '--events-per-object',
        '100',
        '--home',
        home,
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('now 1000 events in 10 objects');
    }
  });

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  for (const layout of LAYOUTS) {
    for (const task of TASKS) {
      it(`${task} on ${layout} layout equals reference`, async () => {
        const queryFile = path.join(REPO_ROOT, 'examples', 'adl', `${task}.py`);
        const run = await runCli([
          'query',
          '--home',
          home,
          '--dataset',
          layout,
          '--file',
          queryFile,
          '--format',
          'csv',
        ]);
        expect(run.status, run.stderr).toBe(0);
        expect(run.stdout).toBe(readFileSync(sampleFiles(dataDir!).ref(task), 'utf8'));
        expect(run.stderr).toMatch(/objects: 10 scanned, 0 skipped of 10/);
        expect(run.stderr).toContain(`[${await placementText(home, layout)}]`);
        expect(run.stderr).toMatch(/events: 1000 scanned/);
      });
    }
  }
});

describe.runIf(dataDir === null)('ADL references', () => {
  it.skip(SAMPLE_DATA_SKIP, () => {});
});
