import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tableToIPC, type Table } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';

/** Rows per Parquet row group, the default of pyarrow's writer. */
export const PARQUET_ROW_GROUP_EVENTS = 1024 * 1024;

/** Parquet files written for the DuckDB side of the benchmark. */
export interface ParquetFiles {
  /** Folder holding one `part=N/events.parquet` file per slice, Hive-partitioned by `part`. */
  dir: string;
  files: string[];
  bytes: number;
}

/**
 * Writes `table` as Snappy-compressed Parquet files of at most `eventsPerFile` events each, in
 * Hive-partitioned folders `part=N` so that a reader can number events across files. Encodes one
 * file at a time so that memory holds only one slice's Parquet bytes.
 */
export async function writeParquetFiles(
  table: Table,
  dir: string,
  eventsPerFile: number,
): Promise<ParquetFiles> {
  if (!Number.isSafeInteger(eventsPerFile) || eventsPerFile < 1) {
    throw new RangeError(
      `Invalid events per Parquet file ${eventsPerFile}: expected a positive integer`,
    );
  }

  const files: string[] = [];
  let bytes = 0;
  for (let first = 0, part = 0; first < table.numRows; first += eventsPerFile, part++) {
    const slice = table.slice(first, Math.min(first + eventsPerFile, table.numRows));
    const encoded = encodeParquet(slice);
    const file = path.join(dir, `part=${part}`, 'events.parquet');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, encoded);
    files.push(file);
    bytes += encoded.length;
  }
  return { dir, files, bytes };
}

function encodeParquet(table: Table): Uint8Array {
  const wasmTable = pq.Table.fromIPCStream(tableToIPC(table, 'stream'));
  const properties = new pq.WriterPropertiesBuilder()
    .setCompression(pq.Compression.SNAPPY)
    .setMaxRowGroupSize(PARQUET_ROW_GROUP_EVENTS)
    .build();
  return pq.writeParquet(wasmTable, properties);
}
