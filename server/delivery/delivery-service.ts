import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { SkysiftClient } from '../../client/skysift-client.js';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import { asError } from '../log.js';
import { deliveryCacheKey } from './cache-key.js';
import { checkSelection } from './check-selection.js';
import { DeliveryError } from './delivery-error.js';
import { CANCELED_MESSAGE, DeliveryJob } from './delivery-job.js';
import {
  isFinished,
  requestPrefix,
  SAFE_RESULT_NAME,
  type DeliveryRecord,
  type ResultFile,
} from './delivery-record.js';
import { DeliveryRecords, INTERRUPTED_MESSAGE } from './delivery-records.js';
import { parseSubmitRequest } from './submit-request.js';

/** Options of `DeliveryService.open`. */
export interface DeliveryServiceOptions {
  /** Store of the datasets' manifests. Result files and request state are written there too. */
  store: ObjectStore;
  /** `host:port` of the transformer that runs the queries. */
  transformer: string;
  /** Requests running at once (default 4). Later ones wait as `Submitted`. */
  maxRunning?: number;
  log: Logger;
}

/** Result of `submit`: the request, and whether it is an earlier equal request. */
export interface SubmitResult {
  record: DeliveryRecord;
  cached: boolean;
}

/** A result file and its store key. */
export interface ResultLocation {
  file: ResultFile;
  key: string;
}

/** Default number of requests that run at once. */
export const DEFAULT_MAX_RUNNING_DELIVERIES = 4;

const MAX_QUOTED_ID_CHARS = 80;

/**
 * The delivery service behind the HTTP API: accepts requests, runs them through a transformer
 * with at most `maxRunning` at once, returns their status and cancels them.
 */
export class DeliveryService {
  private readonly jobs = new Map<string, DeliveryJob>();
  private readonly queue: DeliveryJob[] = [];
  private running = 0;
  private closed = false;

  private constructor(
    private readonly records: DeliveryRecords,
    private readonly client: SkysiftClient,
    private readonly options: DeliveryServiceOptions,
  ) {}

  /** Loads the persisted requests of the store and connects to the transformer. */
  static async open(options: DeliveryServiceOptions): Promise<DeliveryService> {
    const records = new DeliveryRecords(options.store);
    const { interrupted, unreadable } = await records.load();
    if (interrupted.length > 0) {
      options.log.warn({ requestIds: interrupted }, 'marked requests of a stopped server failed');
    }
    if (unreadable.length > 0) {
      options.log.warn({ keys: unreadable }, 'skipped request state files that are not valid JSON');
    }
    return new DeliveryService(records, new SkysiftClient(options.transformer), options);
  }

  /**
   * Validates a request body and queues a new request, or returns the newest equal request
   * (same cache key) that is complete, running or queued, unless `ignore-cache` is true.
   */
  async submit(body: unknown): Promise<SubmitResult> {
    const request = parseSubmitRequest(body);
    const { store, log } = this.options;
    const checked = await checkSelection(store, request.dataset, request.selection);
    const cacheKey = deliveryCacheKey({
      dataset: request.dataset,
      manifestVersion: checked.manifest.version,
      normalizedQuery: checked.normalizedQuery,
      resultFormat: request.resultFormat,
    });

    const cached = request.ignoreCache ? undefined : this.records.findReusable(cacheKey);
    if (cached !== undefined) {
      log.info({ requestId: cached.requestId, status: cached.status }, 'delivery cache hit');
      return { record: cached, cached: true };
    }

    const record = newRecord(request, cacheKey, checked.manifest);
    await this.records.save(record);
    log.info(
      {
        requestId: record.requestId,
        dataset: record.dataset,
        objects: record.totalFiles,
        format: record.resultFormat,
        selection: record.selection,
      },
      'delivery submitted',
    );
    this.enqueue(
      new DeliveryJob(record, { client: this.client, store, records: this.records, log }),
    );
    return { record, cached: false };
  }

  /** Returns a request by id. Throws `DeliveryError` (`REQUEST_NOT_FOUND`) for unknown ids. */
  get(requestId: string): DeliveryRecord {
    const record = this.records.get(requestId);
    if (record === undefined) {
      const quoted = requestId.slice(0, MAX_QUOTED_ID_CHARS);
      throw new DeliveryError(
        `Request '${quoted}' not found: list the known requests with GET /servicex/transformation`,
        'REQUEST_NOT_FOUND',
      );
    }
    return record;
  }

  /** Returns every request, oldest submission first. */
  list(): DeliveryRecord[] {
    return this.records.list();
  }

  /**
   * Cancels a queued or running request and returns it once no more result files will be
   * written. Throws `DeliveryError` (`NOT_CANCELABLE`) for a request that already finished.
   */
  async cancel(requestId: string): Promise<DeliveryRecord> {
    const record = this.get(requestId);
    const job = this.jobs.get(requestId);
    if (isFinished(record.status) || job === undefined) {
      throw new DeliveryError(
        `Request '${requestId}' is already ${record.status}: only Submitted or Running ` +
          'requests can be canceled',
        'NOT_CANCELABLE',
      );
    }
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.jobs.delete(requestId);
      await this.finishQueued(record, 'Canceled', CANCELED_MESSAGE);
      return record;
    }
    this.options.log.info({ requestId }, 'delivery cancel requested');
    await job.stop('cancel');
    return record;
  }

  /**
   * Returns a result file of a request. Throws `DeliveryError`: `INVALID_REQUEST` for a name
   * outside the generated pattern, `RESULT_NOT_FOUND` for a name the request did not write.
   */
  resultFile(requestId: string, name: string): ResultLocation {
    const record = this.get(requestId);
    if (!SAFE_RESULT_NAME.test(name)) {
      throw new DeliveryError(
        `Invalid result file name '${name.slice(0, MAX_QUOTED_ID_CHARS)}': expected a name ` +
          `such as part-00001.${record.resultFormat} from GET /servicex/transformation/ID/results`,
        'INVALID_REQUEST',
      );
    }
    const file = record.files.find((f) => f.name === name);
    if (file === undefined) {
      throw new DeliveryError(
        `Result file '${name}' not found in request '${requestId}' (${record.files.length} ` +
          'files written): list them with GET /servicex/transformation/ID/results',
        'RESULT_NOT_FOUND',
      );
    }
    return { file, key: `${requestPrefix(requestId)}${name}` };
  }

  /** Stops every queued and running request (they end `Failed`) and closes the client. */
  async close(): Promise<void> {
    this.closed = true;
    const queued = this.queue.splice(0);
    const running = [...this.jobs.values()].filter((job) => !queued.includes(job));
    await Promise.all(running.map((job) => job.stop('shutdown')));
    for (const job of queued) await this.finishQueued(job.record, 'Failed', INTERRUPTED_MESSAGE);
    await this.records.flush();
    this.client.close();
  }

  private enqueue(job: DeliveryJob): void {
    this.jobs.set(job.record.requestId, job);
    this.queue.push(job);
    this.startQueued();
  }

  private startQueued(): void {
    const maxRunning = this.options.maxRunning ?? DEFAULT_MAX_RUNNING_DELIVERIES;
    while (!this.closed && this.running < maxRunning && this.queue.length > 0) {
      const job = this.queue.shift() as DeliveryJob;
      this.running++;
      void job
        .start()
        .catch((error) =>
          this.options.log.error(
            { requestId: job.record.requestId, err: asError(error) },
            'delivery job failed to record its state',
          ),
        )
        .finally(() => {
          this.running--;
          this.jobs.delete(job.record.requestId);
          this.startQueued();
        });
    }
  }

  /** Finishes a request that never started. */
  private async finishQueued(
    record: DeliveryRecord,
    status: 'Canceled' | 'Failed',
    message: string,
  ): Promise<void> {
    record.status = status;
    record.errorMessage = message;
    record.filesFailed = status === 'Failed' ? record.totalFiles : 0;
    record.finishTime = new Date().toISOString();
    await this.records.save(record);
    const fields = { requestId: record.requestId, status, message };
    this.options.log.info(fields, `delivery ${status.toLowerCase()}`);
  }
}

function newRecord(
  request: ReturnType<typeof parseSubmitRequest>,
  cacheKey: string,
  manifest: { version: number; objects: readonly unknown[] },
): DeliveryRecord {
  return {
    requestId: randomUUID(),
    title: request.title,
    did: request.did,
    dataset: request.dataset,
    selection: request.selection,
    resultFormat: request.resultFormat,
    cacheKey,
    manifestVersion: manifest.version,
    status: 'Submitted',
    totalFiles: manifest.objects.length,
    filesCompleted: 0,
    filesFailed: 0,
    files: [],
    bytesWritten: 0,
    rowsWritten: 0,
    submitTime: new Date().toISOString(),
  };
}
