import { datasetPrefix, type ManifestObject } from '../../object-class/dataset/manifest.js';
import type { DatasetSchema } from '../../object-class/dataset/schema.js';
import {
  validateDatasetSchema,
  validateManifestObject,
} from '../../object-class/dataset/validate-manifest.js';
import type { ScanPlan } from '../../object-class/kernels/plan.js';
import { validateQueryTree } from '../../transformers/func-adl/validate-query-tree.js';

/** The fields of an object-class `Scan` call, as the proto loader decodes them. */
export interface ScanRequestMessage {
  requestId: string;
  dataset: string;
  objectJson: string;
  planJson: string;
  schemaJson: string;
}

/** A scan request whose JSON fields parsed and have the shapes the scanner reads. */
export interface ParsedScanRequest {
  object: ManifestObject;
  plan: ScanPlan;
  schema: DatasetSchema;
}

/**
 * Parses and checks the JSON fields of a `Scan` call, which may come from any gRPC peer. The
 * object key must lie under the objects of the request's dataset, so a node reads nothing else of
 * its store. The plan's query tree gets its shape checked here and its types by `compileKernel`.
 * Throws SyntaxError for text that is not JSON, TypeError for a value of the wrong shape or a key
 * outside the dataset, RangeError for a tree over the size limits, and `DatasetError` for an
 * invalid dataset name.
 */
export function parseScanRequest(request: ScanRequestMessage): ParsedScanRequest {
  const object = validateManifestObject(parseField(request, 'objectJson'), 'objectJson');
  const objectsPrefix = `${datasetPrefix(request.dataset)}objects/`;
  if (!object.key.startsWith(objectsPrefix)) {
    throw new TypeError(
      `Object key '${object.key}' is outside dataset '${request.dataset}'; expected a key under '${objectsPrefix}'`,
    );
  }

  const plan = parseField(request, 'planJson');
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) {
    const found = Array.isArray(plan) ? 'an array' : String(plan);
    throw new TypeError(`Scan request field planJson is ${found}; expected a plan object`);
  }
  const { query, tree } = plan as Partial<ScanPlan>;
  if (typeof query !== 'string') {
    throw new TypeError(`Plan query is ${typeof query}; expected the query text as a string`);
  }
  // The scanner keys its kernel cache on the serialized tree, so the tree's size is checked first.
  validateQueryTree(tree);
  const schema = validateDatasetSchema(parseField(request, 'schemaJson'), 'schemaJson');
  return { object, plan: plan as ScanPlan, schema };
}

function parseField(request: ScanRequestMessage, field: keyof ScanRequestMessage): unknown {
  const text = request[field];
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const start = text.length > 60 ? `${text.slice(0, 60)}...` : text;
    throw new SyntaxError(
      `Scan request field ${field} is not valid JSON (${(error as Error).message}): '${start}'`,
    );
  }
}
