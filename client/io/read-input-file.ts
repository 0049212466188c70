import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';

/** Input formats that ingest reads, by file extension. */
export const INPUT_EXTENSIONS: Record<string, 'parquet' | 'arrow'> = {
  '.parquet': 'parquet',
  '.pq': 'parquet',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrow',
};

/** Raised when an input file is missing, unreadable or of an unsupported format. */
export class InputFileError extends Error {
  readonly code = 'INPUT_FILE';
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** Reads a Parquet or Arrow IPC file into an Arrow table. */
export async function readInputFile(file: string): Promise<Table> {
  const format = INPUT_EXTENSIONS[path.extname(file).toLowerCase()];
  if (format === undefined) {
    throw new InputFileError(
      `Cannot ingest '${file}': unsupported file extension; expected one of ${Object.keys(INPUT_EXTENSIONS).join(', ')}`,
    );
  }

  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(file));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new InputFileError(`Cannot read '${file}': ${reason}; check the path and permissions`);
  }

  if (bytes.length === 0) {
    throw new InputFileError(
      `Cannot ingest '${file}': the file is empty; expected a ${format} file`,
    );
  }

  try {
    if (format === 'arrow') return tableFromIPC(bytes);
    return tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputFileError(`Cannot decode '${file}' as ${format}: ${reason}`);
  }
}
