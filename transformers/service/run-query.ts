import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { requireManifest, type ManifestObject } from '../../object-class/dataset/manifest.js';
import { rankNodes } from '../../object-class/dataset/placement.js';
import {
  finishPartial,
  mergePartials,
  type Partial,
} from '../../object-class/kernels/merge-partials.js';
import type { OutputSpec } from '../../object-class/kernels/plan.js';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import { RemoteError } from '../../server/rpc/service-error.js';
import { parseAnyQuery } from '../func-adl/parse-any-query.js';
import type { ParseOptions } from '../func-adl/parser.js';
import { checkQuery } from '../planner/check-query.js';
import { planCheckedQuery, type OutputRequest, type PlanLimits } from '../planner/plan-query.js';
import { objectPruner } from '../planner/prune-objects.js';
import type { NodePool, ScanReplyData } from './node-pool.js';
import { emptySummary, type QuerySummary } from './query-summary.js';

/** A query as the transformer receives it. */
export interface QueryRequest {
  dataset: string;
  query: string;
  output: OutputRequest;
  requestId?: string;
}

/** Dependencies and settings of the transformer's query runs. */
export interface QueryContext {
  store: ObjectStore;
  pool: NodePool;
  log: Logger;
  /** Object scans in flight at once across all nodes. */
  concurrency: number;
  /** Attempts per object before the query fails. */
  maxAttempts: number;
  scanDeadlineMs: number;
  limits?: PlanLimits;
  /** Limits on the query text: size, nesting depth and tree height. */
  parseOptions?: ParseOptions;
}

/** One piece of a query's reply stream. */
export type QueryEvent =
  { kind: 'rows'; ipc: Uint8Array } | { kind: 'done'; result: unknown; summary: QuerySummary };

/** Raised when objects could not be scanned after every attempt; names the nodes and objects. */
export class QueryFailedError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'QueryFailedError';
  }
}

export const DEFAULT_QUERY_CONTEXT = { concurrency: 8, maxAttempts: 3, scanDeadlineMs: 300_000 };
const RETRY_BASE_DELAY_MS = 100;
const RETRYABLE = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.ABORTED,
  grpc.status.UNKNOWN,
]);

/**
 * Runs a query: parses and plans it against the dataset's schema, sends one scan per object to the
 * node that stores it (bounded concurrency, retries with backoff), merges each object's partial
 * result exactly once, and yields row results in object order as soon as they are ready.
 */
export async function* runQuery(
  request: QueryRequest,
  ctx: QueryContext,
): AsyncGenerator<QueryEvent> {
  const started = performance.now();
  const requestId = request.requestId || randomUUID();
  const log = ctx.log.child({ requestId, dataset: request.dataset });
  const manifest = await requireManifest(ctx.store, request.dataset);
  const tree = parseAnyQuery(request.query, ctx.parseOptions);
  // One check of the query serves both the plan and the object pruning.
  const checked = checkQuery(tree, request.query, manifest.schema);
  const plan = planCheckedQuery(
    checked,
    request.query,
    manifest.schema,
    request.output,
    ctx.limits,
  );
  const summary = emptySummary(requestId, request.dataset);
  summary.objectsTotal = manifest.objects.length;
  const skip = objectPruner(checked);
  const objects =
    skip === null ? manifest.objects : manifest.objects.filter((o) => !skip(o.info.statistics));
  summary.objectsSkipped = manifest.objects.length - objects.length;
  log.info(
    { query: request.query, objects: objects.length, skipped: summary.objectsSkipped },
    'query started',
  );

  const base = {
    requestId,
    dataset: request.dataset,
    planJson: JSON.stringify(plan),
    schemaJson: JSON.stringify(manifest.schema),
  };
  const fanOut = new FanOut(objects, ctx, summary, log, (object) => ({
    ...base,
    objectJson: JSON.stringify(object),
  }));
  const done = fanOut.run();
  // A consumer that stops early (a cancelled call) returns this generator: stop scheduling scans
  // then, and keep a later failure of the fan-out from becoming an unhandled rejection.
  let finished = false;
  try {
    // Results are taken in object order, so rows leave in event order and floating-point sums
    // are added in the same order on every run, whichever node replies first.
    let merged: unknown = undefined;
    for (let index = 0; index < objects.length; index++) {
      const reply = await fanOut.waitFor(index);
      if (reply === null) break;
      if (reply.done.partialJson !== '') {
        const partial: unknown = JSON.parse(reply.done.partialJson);
        merged = merged === undefined ? partial : mergePartials(merged, partial);
      }
      if (reply.ipc !== null) {
        summary.bytesSentToClient += reply.ipc.length;
        yield { kind: 'rows', ipc: reply.ipc };
      }
      fanOut.release(index);
    }
    await done;
    finished = true;

    const result = finalResult(merged, plan.output);
    const resultJson = result === undefined ? '' : JSON.stringify(result);
    summary.bytesSentToClient += resultJson.length;
    summary.elapsedMs = Math.round(performance.now() - started);
    log.info({ summary }, 'query done');
    yield { kind: 'done', result, summary };
  } finally {
    if (!finished) {
      fanOut.stop();
      done.catch(() => {});
      log.info({ scanned: summary.objectsScanned }, 'query stopped before its end');
    }
  }
}

/** Scans every object once, with retries, and accepts exactly one reply per object. */
class FanOut {
  private readonly replies: (ScanReplyData | null | undefined)[];
  private readonly waiters = new Map<number, () => void>();
  private readonly merged = new Set<string>();
  private failure: QueryFailedError | undefined;
  private stopped = false;

  constructor(
    private readonly objects: readonly ManifestObject[],
    private readonly ctx: QueryContext,
    private readonly summary: QuerySummary,
    private readonly log: Logger,
    private readonly requestFor: (object: ManifestObject) => import('./node-pool.js').ScanCall,
  ) {
    this.replies = new Array(objects.length).fill(undefined);
  }

  async run(): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < this.objects.length && this.failure === undefined && !this.stopped) {
        const index = next++;
        await this.scanObject(index);
      }
    };
    const workers = Math.max(1, Math.min(this.ctx.concurrency, this.objects.length));
    await Promise.all(Array.from({ length: workers }, worker));
    if (this.failure !== undefined) {
      this.wakeAll();
      throw this.failure;
    }
  }

  /** Resolves with an object's reply once it has arrived, or null when the query failed. */
  async waitFor(index: number): Promise<ScanReplyData | null> {
    while (this.replies[index] === undefined && this.failure === undefined) {
      await new Promise<void>((resolve) => this.waiters.set(index, resolve));
    }
    return this.failure === undefined ? (this.replies[index] ?? null) : null;
  }

  /** Stops scheduling scans; those in flight finish and their replies are dropped. */
  stop(): void {
    this.stopped = true;
  }

  /** Drops a sent reply so that row results do not stay in memory. */
  release(index: number): void {
    this.replies[index] = null;
  }

  private async scanObject(index: number): Promise<void> {
    const object = this.objects[index];
    const nodes = this.candidateNodes(object);
    let lastError: unknown;
    for (let attempt = 0; attempt < this.ctx.maxAttempts; attempt++) {
      const nodeId = nodes[attempt % nodes.length];
      try {
        const reply = await this.ctx.pool.scan(
          nodeId,
          this.requestFor(object),
          this.ctx.scanDeadlineMs,
        );
        this.accept(index, object, nodeId, reply);
        return;
      } catch (error) {
        lastError = error;
        if (!isRetryable(error) || attempt + 1 === this.ctx.maxAttempts) break;
        this.summary.retries++;
        const delayMs = RETRY_BASE_DELAY_MS * 2 ** attempt * (0.5 + Math.random());
        this.log.warn(
          {
            object: object.key,
            node: nodeId,
            attempt: attempt + 1,
            delayMs: Math.round(delayMs),
            err: String(error),
          },
          'scan failed, retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
    this.fail(object, nodes, lastError);
  }

  /** Merges a reply unless this object's result was already merged. */
  private accept(index: number, object: ManifestObject, nodeId: string, reply: ScanReplyData) {
    if (this.merged.has(object.key)) return;
    this.merged.add(object.key);
    const done = reply.done;
    const s = this.summary;
    s.objectsScanned++;
    s.objectsPerNode[nodeId] = (s.objectsPerNode[nodeId] ?? 0) + 1;
    s.eventsScanned += done.eventsScanned;
    s.eventsSelected += done.eventsSelected;
    s.bytesReadAtNodes += done.bytesRead;
    s.bytesSentByNodes += done.bytesSent;
    this.replies[index] = reply;
    this.waiters.get(index)?.();
    this.waiters.delete(index);
  }

  private candidateNodes(object: ManifestObject): string[] {
    const known = [...this.ctx.pool.nodes.keys()];
    const placed = [object.node, ...(object.replicas ?? [])].filter((n) => known.includes(n));
    // An object placed on a node this transformer does not know goes to the best-ranked known node.
    return placed.length > 0 ? placed : rankNodes(object.key, known).slice(0, 1);
  }

  private fail(object: ManifestObject, nodes: string[], error: unknown): void {
    if (this.failure !== undefined) return;
    const cause = error instanceof Error ? error.message : String(error);
    const code = error instanceof RemoteError && error.code !== '' ? error.code : 'SCAN_FAILED';
    const where = nodes
      .map((id) => `${id} (${this.ctx.pool.nodes.get(id)?.address ?? '?'})`)
      .join(', ');
    this.failure = new QueryFailedError(
      `Scan of object '${object.key}' failed on storage node ${where}: ${cause}; ` +
        (isRetryable(error)
          ? 'no result was returned, so retry the query once the node is back'
          : 'no result was returned'),
      code,
    );
    this.log.error({ object: object.key, nodes, err: cause }, 'scan failed, query aborted');
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const wake of this.waiters.values()) wake();
    this.waiters.clear();
  }
}

/**
 * Completes the merged partial for the client: a histogram as it is (empty when the dataset has no
 * objects), a scalar with the value its final aggregate requested, nothing for rows.
 */
function finalResult(partial: unknown, output: OutputSpec): unknown {
  if (output.kind === 'rows') return undefined;
  if (output.kind === 'histogram') {
    const { bins, low, high } = output;
    return (
      partial ?? {
        kind: 'histogram',
        bins,
        low,
        high,
        counts: new Array(bins + 2).fill(0),
        nanCount: 0,
      }
    );
  }
  const scalar = (partial as Partial | undefined) ?? {
    kind: 'scalar',
    count: 0,
    sum: 0,
    min: null,
    max: null,
  };
  return { ...scalar, op: output.kind, value: finishPartial(scalar, output) };
}

function isRetryable(error: unknown): boolean {
  return (
    error instanceof RemoteError && RETRYABLE.has(error.status) && error.code !== 'OBJECT_CORRUPT'
  );
}
