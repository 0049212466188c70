import { promises as fs } from 'node:fs';
import { tableToIPC, type Table } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';

/** Output formats of row results. */
export type RowFormat = 'csv' | 'json' | 'arrow' | 'parquet';

/** Encodes a result table in a row format: CSV and JSON as text, Arrow IPC file and Parquet as bytes. */
export function encodeRows(table: Table, format: RowFormat): string | Uint8Array {
  switch (format) {
    case 'arrow':
      return tableToIPC(table, 'file');
    case 'parquet':
      return parquet.writeParquet(parquet.Table.fromIPCStream(tableToIPC(table, 'stream')));
    case 'json':
      return (
        JSON.stringify(
          table.toArray().map((row) => jsonValue(row.toJSON())),
          null,
          0,
        ) + '\n'
      );
    case 'csv':
      return rowsToCsv(table);
  }
}

function rowsToCsv(table: Table): string {
  const names = table.schema.fields.map((f) => f.name);
  const lines = [names.map(csvCell).join(',')];
  for (const row of table) {
    const record = row?.toJSON() ?? {};
    lines.push(names.map((name) => csvCell(jsonValue(record[name]))).join(','));
  }
  return lines.join('\n') + '\n';
}

/** Converts Arrow row values to plain JSON: vectors to arrays, structs to objects, bigints to numbers. */
function jsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object') return value;
  const v = value as { toArray?: () => unknown[]; toJSON?: () => unknown };
  if (typeof v.toArray === 'function') return Array.from(v.toArray(), jsonValue);
  if (Array.isArray(value) || ArrayBuffer.isView(value))
    return Array.from(value as ArrayLike<unknown>, jsonValue);
  const plain = typeof v.toJSON === 'function' ? v.toJSON() : value;
  return Object.fromEntries(Object.entries(plain as object).map(([k, x]) => [k, jsonValue(x)]));
}

function csvCell(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : value === null
        ? ''
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes text or bytes to a file, or to standard output when `file` is undefined or '-'. */
export async function writeOutput(
  data: string | Uint8Array,
  file: string | undefined,
): Promise<void> {
  if (file === undefined || file === '-') {
    await new Promise<void>((resolve, reject) => {
      // A reader that stops early (`| head`) closes the pipe: the output is simply not wanted.
      process.stdout.once('error', (error: NodeJS.ErrnoException) =>
        error.code === 'EPIPE' ? resolve() : reject(error),
      );
      process.stdout.write(data, (error) =>
        error && (error as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(error) : resolve(),
      );
    });
    return;
  }
  await fs.writeFile(file, data);
}
