import { ObjectExistsError, ObjectNotFoundError } from './object-store.js';

/** Error code of {@link S3StoreError}. */
export type S3StoreErrorCode =
  | 'S3_ENDPOINT_MISSING'
  | 'S3_CREDENTIALS_MISSING'
  | 'S3_ACCESS_DENIED'
  | 'S3_BUCKET_NOT_FOUND'
  | 'S3_REQUEST_FAILED';

/**
 * Thrown when the S3 store is misconfigured or a request fails for a reason other than a missing
 * key, an existing key or an invalid range.
 */
export class S3StoreError extends Error {
  constructor(
    readonly code: S3StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'S3StoreError';
  }
}

/** The request and store that an S3 error belongs to, for messages. */
export interface S3ErrorContext {
  operation: string;
  key: string;
  bucket: string;
  endpoint: string;
  store: string;
}

// Node.js error codes of connections that failed or dropped, after which a retry can succeed.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

// Error names (S3 error codes and SDK timeouts) of throttling, server faults and timeouts.
const TRANSIENT_ERROR_NAMES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'InternalError',
  'TimeoutError',
]);

const ACCESS_DENIED_NAMES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

/**
 * Converts the final error of an S3 request to the error the store throws: `ObjectNotFoundError`
 * for 404, `RangeError` for 416, `S3StoreError` with a specific code for a missing bucket or
 * denied access, and `S3StoreError` with `S3_REQUEST_FAILED` for anything else. Store errors pass
 * through unchanged.
 */
export function classifyS3Error(error: unknown, context: S3ErrorContext): Error {
  if (
    error instanceof ObjectNotFoundError ||
    error instanceof ObjectExistsError ||
    error instanceof S3StoreError ||
    error instanceof RangeError
  ) {
    return error;
  }

  const name = errorName(error);
  const status = httpStatus(error);
  const { operation, key, bucket, endpoint, store } = context;
  if (name === 'NoSuchBucket' || (operation === 'ensureBucket' && status === 404)) {
    return new S3StoreError(
      'S3_BUCKET_NOT_FOUND',
      `Bucket '${bucket}' not found at ${endpoint}: create it, or construct the store with ` +
        'createBucket: true',
      { cause: error },
    );
  }
  if (status === 404 || name === 'NoSuchKey') {
    return new ObjectNotFoundError(key, store);
  }
  if (status === 416 || name === 'InvalidRange') {
    return new RangeError(
      `Range of object '${key}' in ${store} starts past the end of the object: request a ` +
        'range inside it',
    );
  }
  if (status === 403 || ACCESS_DENIED_NAMES.has(name)) {
    return new S3StoreError(
      'S3_ACCESS_DENIED',
      `Access denied (${name}) by ${endpoint} for ${operation} of '${key}' in bucket ` +
        `'${bucket}': check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the credentials option`,
      { cause: error },
    );
  }
  return new S3StoreError(
    'S3_REQUEST_FAILED',
    `S3 ${operation} of '${key}' in ${store} at ${endpoint} failed: ${errorMessage(error)}`,
    { cause: error },
  );
}

/**
 * Returns true for failures after which the same request can succeed: HTTP 429 and 5xx,
 * throttling and timeout error names, and refused, reset or dropped connections.
 */
export function isTransientError(error: unknown): boolean {
  const status = httpStatus(error);
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (TRANSIENT_ERROR_NAMES.has(errorName(error))) return true;

  const code = errorCode(error);
  if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) return true;
  return /socket hang up/i.test(errorMessage(error));
}

/**
 * Returns true for failures that show the server did not apply the request: throttling (429,
 * 503) and refused connections.
 */
export function isRejectedBeforeWrite(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 429 || status === 503 || errorCode(error) === 'ECONNREFUSED';
}

/** Returns the HTTP status of an SDK error, or undefined for errors without a response. */
export function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** Returns the `name` of an error: the S3 error code for SDK service errors. */
export function errorName(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : 'Error';
}

/** Returns the fields of an error worth logging, without the SDK's response objects. */
export function summarizeError(error: unknown): Record<string, unknown> {
  return {
    name: errorName(error),
    message: errorMessage(error),
    code: errorCode(error),
    status: httpStatus(error),
  };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
