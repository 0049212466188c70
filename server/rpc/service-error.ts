import * as grpc from '@grpc/grpc-js';
import { QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';

const CODE_KEY = 'skysift-error-code';

/** A gRPC error with a status code and the skysift error code in trailing metadata. */
export interface ServiceError extends Partial<grpc.StatusObject> {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

/** Status codes of skysift's domain error codes. */
const STATUS_OF_CODE: Record<string, grpc.status> = {
  DATASET_NOT_FOUND: grpc.status.NOT_FOUND,
  OBJECT_NOT_FOUND: grpc.status.NOT_FOUND,
  INVALID_DATASET_NAME: grpc.status.INVALID_ARGUMENT,
  SCHEMA_MISMATCH: grpc.status.FAILED_PRECONDITION,
  OBJECT_CORRUPT: grpc.status.DATA_LOSS,
  MANIFEST_CORRUPT: grpc.status.DATA_LOSS,
  LIMIT_EXCEEDED: grpc.status.RESOURCE_EXHAUSTED,
  CONFLICT: grpc.status.ABORTED,
  NODE_UNAVAILABLE: grpc.status.UNAVAILABLE,
};

/**
 * Converts any caught value to a gRPC error at the service edge. Query errors keep their line,
 * column and caret in the details so that the client prints them unchanged.
 */
export function toServiceError(error: unknown): ServiceError {
  const metadata = new grpc.Metadata();
  if (error instanceof QuerySyntaxError) {
    metadata.set(CODE_KEY, 'QUERY_SYNTAX');
    return { code: grpc.status.INVALID_ARGUMENT, details: clipDetails(error.format()), metadata };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const domainCode = (err as { code?: unknown }).code;
  const skysiftCode = typeof domainCode === 'string' ? domainCode : err.name;
  metadata.set(CODE_KEY, skysiftCode);
  let status = STATUS_OF_CODE[skysiftCode] ?? grpc.status.INTERNAL;
  const invalidArgument =
    err instanceof RangeError || err instanceof TypeError || err instanceof SyntaxError;
  if (status === grpc.status.INTERNAL && invalidArgument) {
    status = grpc.status.INVALID_ARGUMENT;
  }
  return { code: status, details: clipDetails(err.message), metadata };
}

/**
 * Most characters of an error message sent as gRPC status details. The details travel in an
 * HTTP/2 trailer, and a trailer over the peer's header size limit drops the connection, so the
 * client would see UNAVAILABLE in place of the message.
 */
export const MAX_DETAILS_CHARS = 2000;

function clipDetails(message: string): string {
  if (message.length <= MAX_DETAILS_CHARS) return message;
  const cut = message.length - MAX_DETAILS_CHARS;
  return `${message.slice(0, MAX_DETAILS_CHARS)}... (${cut} more characters)`;
}

/** An error a skysift client received from a service, with its status and skysift code. */
export class RemoteError extends Error {
  constructor(
    message: string,
    readonly status: grpc.status,
    readonly code: string,
  ) {
    super(message);
    this.name = 'RemoteError';
  }
}

/** Converts an error from a gRPC call back into a `RemoteError` carrying the service's message. */
export function fromServiceError(error: unknown, endpoint: string): RemoteError {
  const e = error as Partial<grpc.ServiceError>;
  const code = String(e.metadata?.get(CODE_KEY)[0] ?? '');
  const status = e.code ?? grpc.status.UNKNOWN;
  if (status === grpc.status.UNAVAILABLE && code === '') {
    return new RemoteError(
      `Service at ${endpoint} is unavailable (${connectionDetails(e.details)}); check that it is running`,
      status,
      'UNAVAILABLE',
    );
  }
  return new RemoteError(e.details || String(error), status, code);
}

/** Shortens grpc-js connection details, which end in an empty `Resolution note: ` field. */
function connectionDetails(details: string | undefined): string {
  if (details === undefined || details === '') return 'no details';
  return details.replace(/\.?\s*Resolution note:\s*$/, '');
}
