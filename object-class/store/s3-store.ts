import { createHash } from 'node:crypto';
import { Readable, addAbortSignal } from 'node:stream';

import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { pino, type Logger } from 'pino';

import {
  ObjectExistsError,
  ObjectNotFoundError,
  type ObjectStore,
  type PutOptions,
} from './object-store.js';
import { retryWithBackoff } from './retry.js';
import { createS3Client, type S3ClientOptions } from './s3-client.js';
import { putMultipart, type MultipartUploadContext } from './s3-multipart.js';
import {
  S3StoreError,
  classifyS3Error,
  errorName,
  httpStatus,
  isRejectedBeforeWrite,
  isTransientError,
  summarizeError,
} from './s3-errors.js';

export { S3StoreError, type S3StoreErrorCode } from './s3-errors.js';

/** Part size of multipart uploads. Bodies larger than this are uploaded in parts. */
export const MULTIPART_PART_BYTES = 16 * 1024 * 1024;

/** Smallest part size S3 accepts for every part but the last. */
const MIN_MULTIPART_PART_BYTES = 5 * 1024 * 1024;

/** Maximum keys of one DeleteObjects request, fixed by the S3 API. */
const DELETE_BATCH_KEYS = 1000;

const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const RETRY_BASE_DELAY_MS = 200;
const RETRY_MAX_DELAY_MS = 5_000;

/** Options of {@link S3ObjectStore}: the bucket, the connection and the request policy. */
export interface S3ObjectStoreOptions extends S3ClientOptions {
  /** Bucket holding the objects. */
  bucket: string;

  /** Key prefix inside the bucket, without leading or trailing slash (default empty). */
  prefix?: string;

  /** Creates the bucket before the first request when it does not exist. */
  createBucket?: boolean;

  /** Attempts per request, the first one included, for retryable failures. */
  maxAttempts?: number;

  /** Time limit of one attempt, including the transfer of the body. */
  requestTimeoutMs?: number;

  /** Part size of multipart uploads, at least 5 MiB (default `MULTIPART_PART_BYTES`). */
  multipartPartBytes?: number;

  /** Logger for retries and failures (default: pino on stderr at `SKYSIFT_LOG_LEVEL`). */
  logger?: Logger;
}

/** Counters of one store since it was created. */
export interface S3StoreStats {
  /** Bytes of object bodies received by `get` and `getRange`. */
  bytesFetched: number;

  /** Bytes of object bodies sent by `put`. */
  bytesSent: number;

  /** Attempts sent, retries included. */
  requests: number;

  /** Attempts that failed and were retried. */
  retries: number;
}

type Operation = 'get' | 'getRange' | 'head' | 'put' | 'list' | 'delete' | 'ensureBucket';

/**
 * An object store on an S3-compatible server (Ceph RADOS gateway, MinIO, AWS S3), with path-style
 * addressing. Idempotent requests are retried with exponential backoff and jitter on throttling,
 * server errors, dropped connections and timeouts. Every retry and final failure is logged.
 *
 * @example
 * const store = new S3ObjectStore({ bucket: 'skysift-data', endpoint: 'http://127.0.0.1:7480' });
 * await store.put('datasets/run2012b/manifest-1.json', bytes, { ifNoneMatch: true });
 * const header = await store.getRange('datasets/run2012b/part-0.arrow', 0, 8);
 * await store.close();
 */
export class S3ObjectStore implements ObjectStore {
  readonly description: string;
  readonly bucket: string;
  readonly endpoint: string;

  private readonly client: S3Client;
  private readonly keyPrefix: string;
  private readonly maxAttempts: number;
  private readonly requestTimeoutMs: number;
  private readonly partBytes: number;
  private readonly createBucket: boolean;
  private readonly log: Logger;
  private readonly counters: S3StoreStats = {
    bytesFetched: 0,
    bytesSent: 0,
    requests: 0,
    retries: 0,
  };
  private bucketReady: Promise<void> | undefined;

  /** Creates the store. Throws `S3StoreError` when no endpoint or no credentials are configured. */
  constructor(options: S3ObjectStoreOptions) {
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.bucket = options.bucket;
    this.keyPrefix = prefix === '' ? '' : `${prefix}/`;
    this.description = `s3://${options.bucket}${prefix === '' ? '' : `/${prefix}`}`;
    ({ client: this.client, endpoint: this.endpoint } = createS3Client(options, this.description));
    this.maxAttempts = checkPositiveInteger(
      'maxAttempts',
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    );
    this.requestTimeoutMs = checkPositiveInteger(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    );
    this.partBytes = checkPartBytes(options.multipartPartBytes ?? MULTIPART_PART_BYTES);
    this.createBucket = options.createBucket ?? false;
    this.log = componentLogger(options.logger ?? defaultLogger(), this.description);
  }

  /** Returns a copy of the byte and request counters. */
  stats(): S3StoreStats {
    return { ...this.counters };
  }

  /** Bytes of object bodies received so far. */
  get bytesFetched(): number {
    return this.counters.bytesFetched;
  }

  /** Creates the bucket when it does not exist yet. */
  async ensureBucket(): Promise<void> {
    const Bucket = this.bucket;
    try {
      await this.request('ensureBucket', '', (abortSignal) =>
        this.client.send(new HeadBucketCommand({ Bucket }), { abortSignal }),
      );
      return;
    } catch (error) {
      if (!(error instanceof S3StoreError && error.code === 'S3_BUCKET_NOT_FOUND')) throw error;
    }

    await this.request('ensureBucket', '', async (abortSignal) => {
      try {
        await this.client.send(new CreateBucketCommand({ Bucket }), { abortSignal });
      } catch (error) {
        // A retried create whose first attempt succeeded, or a concurrent creator.
        if (errorName(error) !== 'BucketAlreadyOwnedByYou') throw error;
      }
    });
    this.log.info({ bucket: Bucket }, 'Created bucket');
  }

  async get(key: string): Promise<Uint8Array> {
    const Key = this.fullKey(key);
    return this.request('get', key, async (abortSignal) => {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key }), {
        abortSignal,
      });
      return this.readBody(response.Body, response.ContentLength, abortSignal);
    });
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(key, offset, length);
    if (length === 0) return this.getEmptyRange(key, offset);

    const Key = this.fullKey(key);
    const Range = `bytes=${offset}-${offset + length - 1}`;
    const bytes = await this.request('getRange', key, async (abortSignal) => {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key, Range }),
        { abortSignal },
      );
      const body = await this.readBody(response.Body, response.ContentLength, abortSignal);
      // A server that ignores Range responds with 200 and the whole object.
      return response.ContentRange === undefined ? body.subarray(offset, offset + length) : body;
    });

    if (bytes.byteLength !== length) {
      throw new RangeError(
        `Range ${offset}+${length} of object '${key}' in ${this.description} runs past the ` +
          `end of the object (${offset + bytes.byteLength} bytes): request a range inside it`,
      );
    }
    return bytes;
  }

  async head(key: string): Promise<{ size: number } | null> {
    const Key = this.fullKey(key);
    try {
      const response = await this.request('head', key, (abortSignal) =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), { abortSignal }),
      );
      return { size: response.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return null;
      throw error;
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<void> {
    const Key = this.fullKey(key);
    if (options.ifNoneMatch === true) {
      await this.putCreateOnly(key, Key, body);
    } else if (body.byteLength > this.partBytes) {
      await putMultipart(this.multipartContext(), key, Key, body);
    } else {
      await this.request('put', key, (abortSignal) =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key,
            Body: body,
            ContentLength: body.byteLength,
          }),
          { abortSignal },
        ),
      );
    }
    this.counters.bytesSent += body.byteLength;
  }

  async list(prefix: string): Promise<string[]> {
    const Prefix = this.keyPrefix + prefix;
    const keys: string[] = [];
    let ContinuationToken: string | undefined;

    do {
      const page = await this.request('list', prefix, (abortSignal) =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken }),
          { abortSignal },
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key !== undefined) keys.push(object.Key.slice(this.keyPrefix.length));
      }
      ContinuationToken = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined);

    // S3 lists in UTF-8 byte order, so sorting gives the JavaScript string order of other stores.
    return keys.sort();
  }

  async delete(keys: string[]): Promise<void> {
    const fullKeys = keys.map((key) => this.fullKey(key));
    for (let start = 0; start < fullKeys.length; start += DELETE_BATCH_KEYS) {
      const batch = fullKeys.slice(start, start + DELETE_BATCH_KEYS);
      await this.deleteBatch(batch);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async deleteBatch(fullKeys: string[]): Promise<void> {
    const Delete = { Objects: fullKeys.map((Key) => ({ Key })), Quiet: true };
    const response = await this.request('delete', fullKeys[0] ?? '', (abortSignal) =>
      this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete }), {
        abortSignal,
      }),
    );

    const failures = (response.Errors ?? []).filter((failure) => failure.Code !== 'NoSuchKey');
    if (failures.length > 0) {
      const listed = failures
        .slice(0, 5)
        .map((failure) => `'${failure.Key}' (${failure.Code}: ${failure.Message})`)
        .join(', ');
      throw new S3StoreError(
        'S3_REQUEST_FAILED',
        `Delete of ${failures.length} of ${fullKeys.length} objects in bucket '${this.bucket}' ` +
          `failed, including ${listed}: retry the delete`,
      );
    }
  }

  private async getEmptyRange(key: string, offset: number): Promise<Uint8Array> {
    const head = await this.head(key);
    if (head === null) throw new ObjectNotFoundError(key, this.description);
    if (offset > head.size) {
      throw new RangeError(
        `Range ${offset}+0 of object '${key}' in ${this.description} starts past the end of ` +
          `the object (${head.size} bytes): request a range inside it`,
      );
    }
    return new Uint8Array(0);
  }

  /**
   * Writes with `If-None-Match: *`. A retry after a dropped connection can meet 412 because the
   * first attempt did land. The write then counts as done when the stored object has this body's
   * MD5 ETag and size.
   */
  private async putCreateOnly(key: string, Key: string, body: Uint8Array): Promise<void> {
    let outcomeUnknown = false;
    const input = { Bucket: this.bucket, Key, Body: body, ContentLength: body.byteLength };

    await this.request('put', key, async (abortSignal) => {
      try {
        await this.client.send(new PutObjectCommand({ ...input, IfNoneMatch: '*' }), {
          abortSignal,
        });
      } catch (error) {
        if (httpStatus(error) === 412) {
          if (outcomeUnknown && (await this.holdsBody(Key, body, abortSignal))) return;
          throw new ObjectExistsError(key, this.description);
        }
        outcomeUnknown ||= isTransientError(error) && !isRejectedBeforeWrite(error);
        throw error;
      }
    });
  }

  private async holdsBody(
    Key: string,
    body: Uint8Array,
    abortSignal: AbortSignal,
  ): Promise<boolean> {
    const md5 = createHash('md5').update(body).digest('hex');
    const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key }), {
      abortSignal,
    });
    return response.ETag === `"${md5}"` && response.ContentLength === body.byteLength;
  }

  private multipartContext(): MultipartUploadContext {
    return {
      client: this.client,
      bucket: this.bucket,
      partBytes: this.partBytes,
      log: this.log,
      request: (key, send) => this.request('put', key, send),
    };
  }

  /**
   * Runs one S3 request with the per-attempt timeout, retrying transient failures, logging each
   * retry and final failure, and converting the final error to a store error.
   */
  private async request<T>(
    operation: Operation,
    key: string,
    send: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.createBucket && operation !== 'ensureBucket') await this.waitForBucket();

    try {
      return await retryWithBackoff((attempt) => this.attempt(operation, key, attempt, send), {
        maxAttempts: this.maxAttempts,
        baseDelayMs: RETRY_BASE_DELAY_MS,
        maxDelayMs: RETRY_MAX_DELAY_MS,
        isRetryable: isTransientError,
        onRetry: (error, attempt, delayMs) => {
          this.counters.retries++;
          this.log.warn(
            { operation, key, attempt, delayMs, err: summarizeError(error) },
            'S3 request failed; retrying',
          );
        },
      });
    } catch (error) {
      const storeError = classifyS3Error(error, {
        operation,
        key,
        bucket: this.bucket,
        endpoint: this.endpoint,
        store: this.description,
      });
      // A missing key, an existing key, an invalid range or a missing bucket is an outcome the
      // caller acts on, so only the other failures are logged as errors.
      const level = isLoggedAsError(storeError) ? 'error' : 'debug';
      this.log[level]({ operation, key, err: summarizeError(error) }, 'S3 request failed');
      throw storeError;
    }
  }

  private async attempt<T>(
    operation: Operation,
    key: string,
    attempt: number,
    send: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    this.counters.requests++;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.requestTimeoutMs);
    try {
      return await send(controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      throw Object.assign(
        new Error(
          `S3 ${operation} of '${key}' timed out after ${this.requestTimeoutMs} ms (attempt ${attempt})`,
        ),
        { name: 'TimeoutError' },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private waitForBucket(): Promise<void> {
    this.bucketReady ??= this.ensureBucket().catch((error: unknown) => {
      this.bucketReady = undefined;
      throw error;
    });
    return this.bucketReady;
  }

  /** Reads a response body under the attempt's abort signal and counts its bytes. */
  private async readBody(
    body: unknown,
    contentLength: number | undefined,
    abortSignal: AbortSignal,
  ): Promise<Uint8Array> {
    if (!(body instanceof Readable)) {
      throw new TypeError('S3 response body is not a Node.js stream: use the Node.js runtime');
    }

    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of addAbortSignal(abortSignal, body)) {
      chunks.push(chunk as Buffer);
      received += (chunk as Buffer).byteLength;
    }
    if (contentLength !== undefined && received !== contentLength) {
      throw Object.assign(
        new Error(`S3 response body ended after ${received} of ${contentLength} bytes`),
        { code: 'ERR_STREAM_PREMATURE_CLOSE' },
      );
    }

    // One copy into an array that owns its whole ArrayBuffer, unlike pooled Node.js buffers.
    const bytes = new Uint8Array(received);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.counters.bytesFetched += received;
    return bytes;
  }

  private fullKey(key: string): string {
    if (typeof key !== 'string' || key === '' || key.startsWith('/')) {
      throw new TypeError(
        `Invalid object key '${String(key)}': expected a non-empty path without a leading slash`,
      );
    }
    return this.keyPrefix + key;
  }
}

function isLoggedAsError(error: Error): boolean {
  return error instanceof S3StoreError && error.code !== 'S3_BUCKET_NOT_FOUND';
}

function checkPositiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Invalid ${name} ${value}: expected a positive integer`);
  }
  return value;
}

function checkPartBytes(partBytes: number): number {
  if (!Number.isSafeInteger(partBytes) || partBytes < MIN_MULTIPART_PART_BYTES) {
    throw new RangeError(
      `Invalid multipartPartBytes ${partBytes}: expected an integer of at least ` +
        `${MIN_MULTIPART_PART_BYTES} (5 MiB)`,
    );
  }
  return partBytes;
}

function checkRange(key: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(
      `Invalid range offset ${offset}, length ${length} for object '${key}': expected ` +
        'non-negative integers',
    );
  }
}

// A logger from the servers' createLogger('s3-store') already carries the component binding, and
// pino would write a second `component` key if it were bound again.
function componentLogger(logger: Logger, store: string): Logger {
  if (logger.bindings().component === 's3-store') return logger.child({ store });
  return logger.child({ component: 's3-store', store });
}

function defaultLogger(): Logger {
  return pino({ level: process.env.SKYSIFT_LOG_LEVEL ?? 'info' }, pino.destination(2));
}
