/** States of a delivery request, named as ServiceX names them. */
export type DeliveryStatus = 'Submitted' | 'Running' | 'Complete' | 'Failed' | 'Canceled';

/** File formats a delivery writes its results in. */
export type ResultFormat = 'parquet' | 'arrow';

/** The result formats a request may choose. */
export const RESULT_FORMATS: readonly ResultFormat[] = ['parquet', 'arrow'];

/** One result file of a delivery: the rows of one object scanned. */
export interface ResultFile {
  /** File name within the request's output folder, such as `part-00001.parquet`. */
  name: string;
  /** Size in bytes. */
  size: number;
  rows: number;
}

/** The persisted state of one delivery request. */
export interface DeliveryRecord {
  requestId: string;
  title: string;
  /** The dataset identifier as submitted, `skysift://DATASET`. */
  did: string;
  dataset: string;
  /** The func_adl query as submitted, in Python lambda form or qastle. */
  selection: string;
  resultFormat: ResultFormat;
  /** Hash of the dataset, manifest version, normalized query and result format. */
  cacheKey: string;
  /** The manifest version the request was checked against at submission. */
  manifestVersion: number;
  status: DeliveryStatus;
  /** Objects of the dataset, each of which yields one result file. */
  totalFiles: number;
  filesCompleted: number;
  filesFailed: number;
  files: ResultFile[];
  bytesWritten: number;
  rowsWritten: number;
  /** ISO 8601 timestamps. */
  submitTime: string;
  startTime?: string;
  finishTime?: string;
  /** Reason the request failed or was canceled. */
  errorMessage?: string;
}

/** Store key prefix of everything a delivery server writes. */
export const DELIVERIES_PREFIX = 'deliveries/';

/** Returns the store key prefix of one request's state and result files. */
export function requestPrefix(requestId: string): string {
  return `${DELIVERIES_PREFIX}${requestId}/`;
}

/** Returns the store key of a request's persisted state. */
export function requestStateKey(requestId: string): string {
  return `${requestPrefix(requestId)}request.json`;
}

/** Digits of the part number in result file names: `part-00001.parquet`. */
const PART_DIGITS = 5;

/**
 * The characters of result file names, which the server generates. A name outside this pattern
 * (a path separator, `..`, a leading dot) is rejected before it reaches the store.
 */
export const SAFE_RESULT_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Returns the name of the N-th result file (1-based), such as `part-00001.parquet`. */
export function resultFileName(part: number, format: ResultFormat): string {
  return `part-${String(part).padStart(PART_DIGITS, '0')}.${format}`;
}

/** Returns true for the states a request never leaves. */
export function isFinished(status: DeliveryStatus): boolean {
  return status === 'Complete' || status === 'Failed' || status === 'Canceled';
}

/**
 * Renders a record as the JSON of the HTTP API, with ServiceX's field names (`request_id`,
 * `files-completed`, `submit-time`, ...). `files` is the ServiceX name of the total file count
 * and `total-files` repeats it.
 */
export function toApiJson(record: DeliveryRecord): Record<string, unknown> {
  const remaining = record.totalFiles - record.filesCompleted - record.filesFailed;
  return {
    request_id: record.requestId,
    title: record.title,
    did: record.did,
    selection: record.selection,
    'result-format': record.resultFormat,
    'result-destination': 'object-store',
    'output-location': requestPrefix(record.requestId),
    status: record.status,
    files: record.totalFiles,
    'total-files': record.totalFiles,
    'files-completed': record.filesCompleted,
    'files-failed': record.filesFailed,
    'files-remaining': Math.max(0, remaining),
    'result-files': record.files.length,
    'bytes-written': record.bytesWritten,
    'rows-written': record.rowsWritten,
    'submit-time': record.submitTime,
    'start-time': record.startTime ?? null,
    'finish-time': record.finishTime ?? null,
    'failure-info': record.errorMessage ?? null,
  };
}
