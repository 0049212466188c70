import type { Table } from 'apache-arrow';
import type { Logger } from 'pino';
import { encodeRows } from '../../client/io/write-rows.js';
import type { QueryStream, SkysiftClient } from '../../client/skysift-client.js';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import type { QuerySummary } from '../../transformers/service/query-summary.js';
import { asError } from '../log.js';
import {
  isFinished,
  requestPrefix,
  resultFileName,
  type DeliveryRecord,
  type DeliveryStatus,
} from './delivery-record.js';
import { INTERRUPTED_MESSAGE, type DeliveryRecords } from './delivery-records.js';

/** Dependencies of a delivery job: the transformer client, the output store and the records. */
export interface DeliveryJobContext {
  client: SkysiftClient;
  store: ObjectStore;
  records: DeliveryRecords;
  log: Logger;
}

/** Message of a request canceled through the API. */
export const CANCELED_MESSAGE = 'Canceled by request';

/** Shortest time between two progress writes of `request.json` while a request runs. */
export const PROGRESS_SAVE_INTERVAL_MS = 1000;

/**
 * Runs one delivery request: streams the query's rows from the transformer and writes each
 * object's rows as one result file, `deliveries/ID/part-NNNNN.parquet` (or `.arrow`, an Arrow
 * IPC file). The transformer sends row results in object order, so part N contains the rows of the
 * dataset's N-th object.
 */
export class DeliveryJob {
  private stream: QueryStream | undefined;
  private stopReason: 'cancel' | 'shutdown' | undefined;
  private lastProgressSaveMs = 0;
  private finished: Promise<void> | undefined;

  constructor(
    readonly record: DeliveryRecord,
    private readonly ctx: DeliveryJobContext,
  ) {}

  /** Starts the job once and returns a promise that settles when the request is finished. */
  start(): Promise<void> {
    this.finished ??= this.run();
    return this.finished;
  }

  /**
   * Stops the job: cancels the gRPC call and waits until no more result files are written. A
   * canceled request ends `Canceled`, and one stopped by a server shutdown ends `Failed`.
   */
  async stop(reason: 'cancel' | 'shutdown'): Promise<void> {
    this.stopReason ??= reason;
    this.stream?.cancel();
    await this.finished;
  }

  private async run(): Promise<void> {
    const { record } = this;
    record.startTime = new Date().toISOString();
    await this.changeStatus('Running', {});

    try {
      await this.receiveResults();
    } catch (error) {
      if (this.stopReason === undefined) {
        await this.fail(error);
        return;
      }
    }
    // A stop that arrives after the last result was written leaves the request `Complete`.
    if (this.stopReason !== undefined && !isFinished(record.status)) await this.finishStopped();
  }

  private async receiveResults(): Promise<void> {
    const { record, ctx } = this;
    this.stream = ctx.client.queryStream({
      dataset: record.dataset,
      query: record.selection,
      output: { kind: 'rows' },
      requestId: record.requestId,
    });
    // A stop requested before the call existed could not cancel it.
    if (this.stopReason !== undefined) this.stream.cancel();

    for await (const event of this.stream.events) {
      if (this.stopReason !== undefined) {
        this.stream.cancel();
        return;
      }
      if (event.kind === 'rows') {
        await this.writeResultFile(event.table);
      } else {
        await this.complete(event.summary);
      }
    }
  }

  private async writeResultFile(table: Table): Promise<void> {
    const { record, ctx } = this;
    const name = resultFileName(record.files.length + 1, record.resultFormat);
    const bytes = encodeRows(table, record.resultFormat) as Uint8Array;
    const key = `${requestPrefix(record.requestId)}${name}`;
    try {
      await ctx.store.put(key, bytes);
    } catch (error) {
      throw new Error(
        `Writing result file '${key}' to ${ctx.store.description} failed: ${asError(error).message}`,
        { cause: error },
      );
    }

    record.files.push({ name, size: bytes.length, rows: table.numRows });
    record.filesCompleted = record.files.length;
    record.bytesWritten += bytes.length;
    record.rowsWritten += table.numRows;
    await this.saveProgress();
  }

  private async saveProgress(): Promise<void> {
    const nowMs = Date.now();
    if (nowMs - this.lastProgressSaveMs < PROGRESS_SAVE_INTERVAL_MS) return;
    this.lastProgressSaveMs = nowMs;
    await this.ctx.records.save(this.record);
  }

  private async complete(summary: QuerySummary): Promise<void> {
    const { record } = this;
    // The manifest may have gained objects between submission and the transformer's read of it.
    record.totalFiles = summary.objectsTotal;
    record.filesCompleted = summary.objectsScanned + summary.objectsSkipped;
    record.finishTime = new Date().toISOString();
    await this.changeStatus('Complete', {
      files: record.files.length,
      objects: record.totalFiles,
      rows: record.rowsWritten,
      bytes: record.bytesWritten,
      elapsedMs: Date.parse(record.finishTime) - Date.parse(record.startTime ?? record.submitTime),
    });
  }

  /**
   * Marks the request `Failed`. The transformer aborts the whole query when the scan of one
   * object fails after its retries, so every object without a result file counts as failed.
   */
  private async fail(error: unknown): Promise<void> {
    const { record } = this;
    const err = asError(error);
    this.stream?.cancel();
    record.errorMessage = err.message;
    record.filesFailed = record.totalFiles - record.filesCompleted;
    record.finishTime = new Date().toISOString();
    await this.changeStatus('Failed', { err, files: record.files.length });
  }

  private async finishStopped(): Promise<void> {
    const { record } = this;
    record.finishTime = new Date().toISOString();
    if (this.stopReason === 'shutdown') {
      record.errorMessage = INTERRUPTED_MESSAGE;
      record.filesFailed = record.totalFiles - record.filesCompleted;
      await this.changeStatus('Failed', { files: record.files.length });
      return;
    }
    record.errorMessage = CANCELED_MESSAGE;
    await this.changeStatus('Canceled', { files: record.files.length });
  }

  private async changeStatus(status: DeliveryStatus, details: Record<string, unknown>) {
    const { record, ctx } = this;
    record.status = status;
    await ctx.records.save(record);
    const fields = { requestId: record.requestId, dataset: record.dataset, status, ...details };
    if (status === 'Failed') ctx.log.warn(fields, 'delivery failed');
    else ctx.log.info(fields, `delivery ${status.toLowerCase()}`);
  }
}
