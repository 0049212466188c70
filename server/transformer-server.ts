import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { listDatasets, requireManifest } from '../object-class/dataset/manifest.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import { explainQuery } from '../transformers/service/explain-query.js';
import { NodePool, type NodeAddress } from '../transformers/service/node-pool.js';
import {
  DEFAULT_QUERY_CONTEXT,
  runQuery,
  type QueryContext,
} from '../transformers/service/run-query.js';
import type { ParseOptions } from '../transformers/func-adl/parser.js';
import type { OutputRequest, PlanLimits } from '../transformers/planner/plan-query.js';
import { asError, createLogger } from './log.js';
import {
  bindServer,
  CHANNEL_OPTIONS,
  MAX_MESSAGE_BYTES,
  transformerService,
} from './rpc/protos.js';
import { splitArrowIpc } from './rpc/split-arrow-ipc.js';
import { toServiceError } from './rpc/service-error.js';
import { shutdown, type RunningService } from './storage-node-server.js';

/** Options of `startTransformer`. */
export interface TransformerOptions {
  store: ObjectStore;
  nodes: readonly NodeAddress[];
  host?: string;
  port: number;
  concurrency?: number;
  maxAttempts?: number;
  /** Limits every plan enforces at the nodes. */
  limits?: PlanLimits;
  /** Limits on query text. */
  parseOptions?: ParseOptions;
}

/**
 * Most bytes of Arrow IPC per reply message; the rows of one object that take more are sent as
 * several complete IPC streams, well under the gRPC message limit.
 */
const ROWS_MESSAGE_BYTES = MAX_MESSAGE_BYTES / 4;

interface QueryCall {
  dataset: string;
  query: string;
  outputJson: string;
  requestId: string;
}

/** Starts the transformer gRPC service in front of the given storage nodes. */
export async function startTransformer(options: TransformerOptions): Promise<RunningService> {
  const log = createLogger('transformer');
  const pool = new NodePool(options.nodes);
  const ctx: QueryContext = {
    ...DEFAULT_QUERY_CONTEXT,
    store: options.store,
    pool,
    log,
    concurrency: options.concurrency ?? DEFAULT_QUERY_CONTEXT.concurrency,
    maxAttempts: options.maxAttempts ?? DEFAULT_QUERY_CONTEXT.maxAttempts,
    limits: options.limits,
    parseOptions: options.parseOptions,
  };
  const server = new grpc.Server(CHANNEL_OPTIONS);
  server.addService(transformerService().service, {
    Query: (call: grpc.ServerWritableStream<QueryCall, unknown>) =>
      void handleQuery(call, ctx, log),
    Explain: (
      call: grpc.ServerUnaryCall<QueryCall, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) =>
      void unary(callback, log, async () => {
        const manifest = await requireManifest(options.store, call.request.dataset);
        return explainQuery(
          call.request.query,
          manifest.schema,
          parseOutput(call.request.outputJson),
        );
      }),
    Describe: (
      call: grpc.ServerUnaryCall<{ dataset: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => void unary(callback, log, () => describe(options.store, call.request.dataset)),
  });

  const host = options.host ?? '127.0.0.1';
  const port = await bindServer(server, host, options.port);
  log.info(
    { host, port, nodes: options.nodes, store: options.store.description },
    'transformer started',
  );
  return {
    address: `${host}:${port}`,
    port,
    close: async () => {
      await shutdown(server, log, 'transformer stopped');
      pool.close();
    },
  };
}

async function handleQuery(
  call: grpc.ServerWritableStream<QueryCall, unknown>,
  ctx: QueryContext,
  log: Logger,
): Promise<void> {
  try {
    const request = {
      dataset: call.request.dataset,
      query: call.request.query,
      output: parseOutput(call.request.outputJson),
      requestId: call.request.requestId,
    };
    for await (const event of runQuery(request, ctx)) {
      if (call.cancelled) return;
      if (event.kind === 'rows') {
        for (const piece of splitArrowIpc(event.ipc, ROWS_MESSAGE_BYTES)) {
          call.write({ arrowIpc: piece });
        }
      } else {
        const resultJson = event.result === undefined ? '' : JSON.stringify(event.result);
        call.write({ done: { resultJson, summaryJson: JSON.stringify(event.summary) } });
      }
    }
    call.end();
  } catch (error) {
    logFailure(log, error, { requestId: call.request.requestId, dataset: call.request.dataset });
    // grpc-js turns an 'error' event on a server stream into the call's final status.
    call.emit('error', toServiceError(error));
  }
}

async function unary(
  callback: grpc.sendUnaryData<unknown>,
  log: Logger,
  work: () => Promise<unknown>,
): Promise<void> {
  try {
    callback(null, await work());
  } catch (error) {
    logFailure(log, error, {});
    callback(toServiceError(error) as unknown as grpc.ServiceError);
  }
}

/** Logs a failed call: a rejected request at info level without a stack, anything else as a warning. */
function logFailure(log: Logger, error: unknown, ids: Record<string, string>): void {
  const status = toServiceError(error).code;
  if (CLIENT_ERRORS.has(status)) {
    log.info(
      { ...ids, status: grpc.status[status], message: asError(error).message },
      'request rejected',
    );
  } else {
    log.warn({ ...ids, err: asError(error) }, 'request failed');
  }
}

const CLIENT_ERRORS = new Set([
  grpc.status.INVALID_ARGUMENT,
  grpc.status.NOT_FOUND,
  grpc.status.FAILED_PRECONDITION,
  grpc.status.RESOURCE_EXHAUSTED,
]);

async function describe(store: ObjectStore, dataset: string): Promise<{ json: string }> {
  if (dataset === '') return { json: JSON.stringify(await listDatasets(store)) };
  const manifest = await requireManifest(store, dataset);
  const { objects, ...rest } = manifest;
  const objectsPerNode: Record<string, number> = {};
  for (const object of objects)
    objectsPerNode[object.node] = (objectsPerNode[object.node] ?? 0) + 1;
  const byteSize = objects.reduce((sum, o) => sum + o.info.byteSize, 0);
  return {
    json: JSON.stringify({ ...rest, objectCount: objects.length, byteSize, objectsPerNode }),
  };
}

/** Parses the JSON output request of a query call. */
function parseOutput(json: string): OutputRequest {
  if (json === '') return { kind: 'rows' };
  try {
    return JSON.parse(json) as OutputRequest;
  } catch {
    throw new TypeError(`Invalid output request '${json}': expected JSON such as {"kind":"rows"}`);
  }
}
