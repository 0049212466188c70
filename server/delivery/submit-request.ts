import { validateDatasetName } from '../../object-class/dataset/manifest.js';
import { DeliveryError } from './delivery-error.js';
import { RESULT_FORMATS, type ResultFormat } from './delivery-record.js';

/** A validated `POST /servicex/transformation` body. */
export interface SubmitRequest {
  title: string;
  did: string;
  dataset: string;
  selection: string;
  resultFormat: ResultFormat;
  /** Runs the query again even when an equal request is complete or running. */
  ignoreCache: boolean;
}

/** The scheme of dataset identifiers this server resolves. */
export const DID_SCHEME = 'skysift://';

/** Maximum length of a request title, in characters. */
export const MAX_TITLE_CHARS = 256;

const DEFAULT_RESULT_FORMAT: ResultFormat = 'parquet';

const KNOWN_FIELDS = new Set(['title', 'did', 'selection', 'result-format', 'ignore-cache']);

/**
 * ServiceX request fields that select ServiceX's own machinery (code generator, container image,
 * worker count, ROOT tree). The server accepts and ignores them, so ServiceX clients work
 * unchanged. `result-destination` is checked separately.
 */
const IGNORED_SERVICEX_FIELDS = new Set(['codegen', 'image', 'workers', 'tree-name', 'chunk-size']);

/**
 * Validates a parsed JSON request body. Throws `DeliveryError` with code `INVALID_REQUEST` naming
 * the field, the value and the expected form. The query itself is checked later, against the
 * dataset's schema.
 */
export function parseSubmitRequest(body: unknown): SubmitRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid(
      `Invalid request body ${describe(body)}: expected a JSON object such as ` +
        '{"did": "skysift://DATASET", "selection": "Select(lambda e: e.MET_pt)"}',
    );
  }
  const fields = body as Record<string, unknown>;
  checkFieldNames(fields);
  checkResultDestination(fields['result-destination']);

  const did = requiredString(fields, 'did', 'a dataset identifier such as "skysift://DATASET"');
  return {
    title: optionalTitle(fields.title),
    did,
    dataset: datasetOfDid(did),
    selection: requiredString(fields, 'selection', 'func_adl text or qastle'),
    resultFormat: resultFormat(fields['result-format']),
    ignoreCache: optionalBoolean(fields, 'ignore-cache'),
  };
}

/** Returns the dataset name of a `skysift://DATASET` identifier. */
export function datasetOfDid(did: string): string {
  if (!did.startsWith(DID_SCHEME)) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(did)?.[1];
    const found = scheme === undefined ? 'no scheme' : `scheme '${scheme}://'`;
    throw invalid(
      `Invalid did '${did}': found ${found}, but this server resolves only ` +
        `'${DID_SCHEME}DATASET'; name a dataset such as '${DID_SCHEME}cms-2012'`,
    );
  }
  const dataset = did.slice(DID_SCHEME.length);
  try {
    validateDatasetName(dataset);
  } catch (error) {
    throw invalid(`Invalid did '${did}': ${(error as Error).message}`);
  }
  return dataset;
}

function checkFieldNames(fields: Record<string, unknown>): void {
  for (const name of Object.keys(fields)) {
    if (KNOWN_FIELDS.has(name) || IGNORED_SERVICEX_FIELDS.has(name)) continue;
    if (name === 'result-destination') continue;
    throw invalid(
      `Unknown request field '${name}': expected ${[...KNOWN_FIELDS].join(', ')} ` +
        'or result-destination; check the spelling',
    );
  }
}

function checkResultDestination(value: unknown): void {
  if (value === undefined || value === 'object-store') return;
  throw invalid(
    `Invalid result-destination ${describe(value)}: this server writes results only to its ` +
      "object store; send 'object-store' or leave the field out",
  );
}

function requiredString(fields: Record<string, unknown>, name: string, expected: string): string {
  const value = fields[name];
  if (value === undefined) throw invalid(`Missing field '${name}': send ${expected}`);
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`Invalid ${name} ${describe(value)}: expected ${expected}`);
  }
  return value;
}

function optionalTitle(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string' || value.length > MAX_TITLE_CHARS) {
    throw invalid(
      `Invalid title ${describe(value)}: expected a string of at most ${MAX_TITLE_CHARS} characters`,
    );
  }
  return value;
}

function resultFormat(value: unknown): ResultFormat {
  if (value === undefined) return DEFAULT_RESULT_FORMAT;
  if (typeof value === 'string' && (RESULT_FORMATS as readonly string[]).includes(value)) {
    return value as ResultFormat;
  }
  throw invalid(
    `Invalid result-format ${describe(value)}: expected one of ${RESULT_FORMATS.join(', ')}`,
  );
}

function optionalBoolean(fields: Record<string, unknown>, name: string): boolean {
  const value = fields[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') {
    throw invalid(`Invalid ${name} ${describe(value)}: expected true or false`);
  }
  return value;
}

/** Quotes a JSON value for a message, cut to a readable length. */
function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return `'${text.length > 80 ? `${text.slice(0, 77)}...` : text}'`;
}

function invalid(message: string): DeliveryError {
  return new DeliveryError(message, 'INVALID_REQUEST');
}
