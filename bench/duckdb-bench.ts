import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { HistogramPartial } from '../object-class/kernels/plan.js';
import type { AdlTask } from './adl-tasks.js';
import { taskHistogramSql } from './duckdb-sql.js';

/** Relation DuckDB reads the events from: the Parquet files or a table in its memory. */
export type DuckdbRelation = 'parquet' | 'memory';

/** One timed DuckDB run of a task. */
export interface DuckdbTaskRun {
  histogram: HistogramPartial;
  seconds: number;
}

/**
 * An in-process DuckDB database over the benchmark's Parquet files, with the events available
 * both as a view on the files (`parquet`) and as a table loaded into DuckDB's memory (`memory`).
 * Both carry a unique event id `ev` built from the Hive partition number and the row number.
 */
export class DuckdbBench {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private memoryLoaded = false,
  ) {}

  /** Opens an in-memory database limited to `threads` threads over the Parquet files in `dir`. */
  static async open(parquetDir: string, threads: number): Promise<DuckdbBench> {
    const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    const connection = await instance.connect();
    const glob = sqlString(`${parquetDir}/*/*.parquet`);
    await connection.run(`
      CREATE VIEW events_parquet AS
      SELECT part::BIGINT * 4294967296 + file_row_number AS ev, * EXCLUDE (part, file_row_number)
      FROM read_parquet(${glob}, hive_partitioning = true, file_row_number = true)`);
    return new DuckdbBench(instance, connection);
  }

  /** DuckDB's version string, such as `v1.5.6`. */
  async version(): Promise<string> {
    const reader = await this.connection.runAndReadAll('SELECT version()');
    return String(reader.getRows()[0][0]);
  }

  /** Copies the events from the Parquet files into a DuckDB table and returns the seconds taken. */
  async loadIntoMemory(): Promise<number> {
    const started = performance.now();
    await this.connection.run(
      'CREATE OR REPLACE TABLE events_memory AS SELECT * FROM events_parquet',
    );
    this.memoryLoaded = true;
    return (performance.now() - started) / 1000;
  }

  /** Runs one task's SQL over the chosen relation and returns its histogram and wall time. */
  async runTask(task: AdlTask, relation: DuckdbRelation): Promise<DuckdbTaskRun> {
    if (relation === 'memory' && !this.memoryLoaded) {
      throw new Error('DuckDB has no in-memory events yet; call loadIntoMemory() first');
    }
    await this.connection.run(
      `CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM events_${relation}`,
    );

    const started = performance.now();
    const reader = await this.connection.runAndReadAll(taskHistogramSql(task.id, task.histogram));
    const seconds = (performance.now() - started) / 1000;
    const histogram = toHistogram(task, reader.getRows() as unknown[][]);
    return { histogram, seconds };
  }

  /** Releases the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function toHistogram(task: AdlTask, rows: unknown[][]): HistogramPartial {
  const { bins, low, high } = task.histogram;
  const counts = new Array<number>(bins + 2).fill(0);
  let nanCount = 0;
  for (const [bin, entries] of rows) {
    const index = Number(bin);
    if (index === -1) nanCount = Number(entries);
    else counts[index] = Number(entries);
  }
  return { kind: 'histogram', bins, low, high, counts, nanCount };
}

/** Quotes a string as an SQL literal. */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
