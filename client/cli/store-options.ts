import os from 'node:os';
import path from 'node:path';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import { S3ObjectStore } from '../../object-class/store/s3-store.js';
import { parseStoreUrl } from '../../object-class/store/store-url.js';
import { createLogger } from '../../server/log.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { SkysiftClient } from '../skysift-client.js';
import type { ParseOptions } from '../../transformers/func-adl/parser.js';
import type { PlanLimits } from '../../transformers/planner/plan-query.js';
import { CliError } from './cli-error.js';
import { parseCount } from './commands/ingest-command.js';
import { waitForEndpoint } from './wait-for-endpoint.js';

/** Options every data command accepts: where the store is, and which transformer to use. */
export const STORE_OPTIONS = {
  home: { type: 'string' },
  store: { type: 'string' },
  's3-endpoint': { type: 'string' },
} as const;

export const CLUSTER_OPTIONS = {
  endpoint: { type: 'string' },
  nodes: { type: 'string' },
} as const;

/** Limits a transformer enforces; the embedded cluster and `skysift transformer` accept them. */
export const LIMIT_OPTIONS = {
  'max-query-bytes': { type: 'string' },
  'max-nesting-depth': { type: 'string' },
  'max-combinations': { type: 'string' },
  'max-result-rows': { type: 'string' },
  'max-result-bytes': { type: 'string' },
} as const;

/** Help lines of `LIMIT_OPTIONS`. */
export const LIMIT_USAGE = `  --max-query-bytes N     longest query text accepted, in bytes (default 65536)
  --max-nesting-depth N   deepest bracket and lambda nesting accepted (default 64)
  --max-combinations N    most combinations one Choose may form in one event (default 1000000)
  --max-result-rows N     most result rows one object scan may return (default 10000000)
  --max-result-bytes N    most bytes of result rows one object scan may return (default 1073741824)`;

export interface LimitValues {
  'max-query-bytes'?: string;
  'max-nesting-depth'?: string;
  'max-combinations'?: string;
  'max-result-rows'?: string;
  'max-result-bytes'?: string;
}

/** Converts the limit flags to the transformer's plan limits and parse options. */
export function transformerLimits(values: LimitValues): {
  limits: PlanLimits;
  parseOptions: ParseOptions;
} {
  const count = (flag: keyof LimitValues) => parseCount(`--${flag}`, values[flag]);
  return {
    limits: {
      maxCombinationsPerEvent: count('max-combinations'),
      maxResultRows: count('max-result-rows'),
      maxResultBytes: count('max-result-bytes'),
    },
    parseOptions: { maxQueryBytes: count('max-query-bytes'), maxDepth: count('max-nesting-depth') },
  };
}

export interface StoreValues {
  home?: string;
  store?: string;
  's3-endpoint'?: string;
}

/** Returns the home directory of the embedded default: `--home`, `SKYSIFT_HOME` or `~/.skysift`. */
export function homeDirectory(values: StoreValues): string {
  return path.resolve(
    values.home ?? process.env.SKYSIFT_HOME ?? path.join(os.homedir(), '.skysift'),
  );
}

/**
 * Opens the store named by `--store` (`DIR`, `file://DIR` or `s3://BUCKET[/PREFIX]`), or the
 * local store in the home directory when `--store` is absent.
 */
export function openStore(
  values: StoreValues,
  options: { createBucket?: boolean } = {},
): ObjectStore {
  if (values.store === undefined) return new LocalObjectStore(homeDirectory(values));
  const url = parseStoreUrl(values.store);
  if (url.kind === 'file') return new LocalObjectStore(url.dir);
  const endpoint = values['s3-endpoint'] ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint === undefined || endpoint === '') {
    throw new CliError(
      `No S3 endpoint for store '${values.store}': pass --s3-endpoint URL or set AWS_ENDPOINT_URL`,
    );
  }
  return new S3ObjectStore({
    bucket: url.bucket,
    prefix: url.prefix,
    endpoint,
    createBucket: options.createBucket,
    logger: createLogger('s3-store'),
  });
}

/** Parses `--nodes N` for the embedded cluster. */
export function nodeCount(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1) {
    throw new CliError(
      `Invalid --nodes value '${text}': expected a positive whole number such as 2`,
    );
  }
  return count;
}

/** A connected client, and the embedded cluster behind it when no `--endpoint` was given. */
export interface Connection {
  client: SkysiftClient;
  cluster?: EmbeddedCluster;
  close(): Promise<void>;
}

/** Connects to `--endpoint`, or starts an embedded cluster over the store and connects to it. */
export async function connect(
  values: StoreValues & LimitValues & { endpoint?: string; nodes?: string },
): Promise<Connection> {
  if (values.endpoint !== undefined) {
    if (!/^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(values.endpoint)) {
      throw new CliError(
        `Invalid --endpoint value '${values.endpoint}': expected HOST:PORT such as 127.0.0.1:50050`,
      );
    }
    await waitForEndpoint(values.endpoint);
    const client = new SkysiftClient(values.endpoint);
    return { client, close: async () => client.close() };
  }
  const store = openStore(values);
  const cluster = await startEmbeddedCluster({
    store,
    nodes: nodeCount(values.nodes, 2),
    ...transformerLimits(values),
  });
  const client = new SkysiftClient(cluster.endpoint);
  return {
    client,
    cluster,
    close: async () => {
      client.close();
      await cluster.close();
      await store.close();
    },
  };
}
