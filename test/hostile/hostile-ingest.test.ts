import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Dictionary,
  Float16,
  Float64,
  Int32,
  Table,
  TimestampMillisecond,
  Utf8,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

/** Writes `table` as a Parquet file with parquet-wasm. */
function writeParquet(file: string, table: Table): string {
  const wasmTable = pq.Table.fromIPCStream(tableToIPC(table, 'stream'));
  writeFileSync(file, pq.writeParquet(wasmTable));
  return file;
}

describe('ingest of hostile inputs', () => {
  let dir: string;
  let home: string;
  const met = vectorFromArray([1.5, 2.5, 3.5], new Float64());

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-hostile-ingest-'));
    home = path.join(dir, 'home');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string): string {
    return path.join(dir, name);
  }

  function ingest(files: string[], dataset: string, ...options: string[]) {
    return runCli(['ingest', ...files, '--dataset', dataset, '--home', home, ...options]);
  }

  function objectsOf(dataset: string): string[] {
    try {
      return readdirSync(path.join(home, 'datasets', dataset, 'objects'));
    } catch {
      return [];
    }
  }

  it.each([
    ['empty Parquet', 'empty.parquet', () => new Uint8Array(0), 'the file is empty'],
    ['empty Arrow', 'empty.arrow', () => new Uint8Array(0), 'the file is empty'],
    ['garbage', 'garbage.parquet', () => Buffer.from('PAR1 not parquet PAR1'), 'as parquet'],
  ])('rejects an %s file', async (_label, name, bytes, message) => {
    writeFileSync(file(name), bytes());
    const run = await ingest([file(name)], 'broken');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`'${file(name)}'`);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects a truncated Parquet file', async () => {
    const whole = writeParquet(file('whole.parquet'), new Table({ MET_pt: met }));
    const data = readFileSync(whole);
    writeFileSync(file('truncated.parquet'), data.subarray(0, data.length >> 1));

    const run = await ingest([file('truncated.parquet')], 'truncated');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Cannot decode '${file('truncated.parquet')}' as parquet`);
  });

  it.each([
    [
      'dictionary',
      vectorFromArray(['a', 'b', 'a'], new Dictionary(new Utf8(), new Int32())),
      'Dictionary',
    ],
    [
      'timestamp',
      vectorFromArray(
        [1, 2, 3].map((ms) => new Date(ms)),
        new TimestampMillisecond(),
      ),
      'Timestamp',
    ],
    ['float16', vectorFromArray([1, 2, 3], new Float16()), 'float16'],
  ])('rejects a %s column naming it', async (label, column, typeName) => {
    const input = writeParquet(file(`${label}.parquet`), new Table({ MET_pt: met, odd: column }));
    const run = await ingest([input], label);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Column 'odd' has");
    expect(run.stderr).toContain(typeName);
    expect(objectsOf(label)).toEqual([]);
  });

  it('rejects files of different schemas', async () => {
    const a = writeParquet(file('a.parquet'), new Table({ MET_pt: met }));
    const b = writeParquet(
      file('b.parquet'),
      new Table({ MET_pt: vectorFromArray([1, 2, 3], new Int32()) }),
    );
    const run = await ingest([a, b], 'mixed');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      "Input table 2 differs from input table 1 at column 1: expected 'MET_pt: float64', found 'MET_pt: int32'",
    );
    expect(objectsOf('mixed')).toEqual([]);
  });

  it('rejects another schema for an existing dataset and writes nothing', async () => {
    const a = writeParquet(file('first.parquet'), new Table({ MET_pt: met }));
    expect((await ingest([a], 'existing')).status).toBe(0);
    expect(objectsOf('existing')).toHaveLength(1);

    const b = writeParquet(
      file('other.parquet'),
      new Table({ nJet: vectorFromArray([1, 2, 3], new Int32()) }),
    );
    const run = await ingest([b], 'existing');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("does not match dataset 'existing' at column 1");
    expect(objectsOf('existing')).toHaveLength(1);
  });

  it('ingests a file of zero rows as an empty dataset', async () => {
    const empty = writeParquet(file('zero.parquet'), new Table({ MET_pt: met.slice(0, 0) }));
    const run = await ingest([empty], 'zero');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Ingested 0 events');

    const query = await runCli([
      'query',
      '--home',
      home,
      '--dataset',
      'zero',
      'Select(lambda e: e.MET_pt)',
    ]);
    expect(query.status).toBe(0);
    expect(query.stderr).toContain('0 scanned');
  });

  it.each([
    ['0', 'expected a positive whole number'],
    ['-5', 'argument is ambiguous'],
    ['99999999999', 'expected an integer from 1 to 50000000'],
    ['1e3', 'expected a positive whole number'],
  ])('rejects --events-per-object %s', async (value, message) => {
    const input = writeParquet(file('events.parquet'), new Table({ MET_pt: met }));
    const run = await ingest([input], 'count', '--events-per-object', value);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
  });

  it.each([
    ['a parent path', '../x'],
    ['an empty name', ''],
    ['200 characters', 'a'.repeat(200)],
    ['unicode', 'ünïcode'],
    ['a slash', 'a/b'],
    ['a leading dot', '.hidden'],
  ])('rejects a dataset name with %s', async (_label, name) => {
    const input = writeParquet(file('name.parquet'), new Table({ MET_pt: met }));
    const run = await ingest([input], name);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`Invalid dataset name '${name}'`);
  });
});
