import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Logger } from 'pino';

import {
  S3StoreError,
  errorName,
  isRejectedBeforeWrite,
  isTransientError,
  summarizeError,
} from './s3-errors.js';

/** Parts of one multipart upload sent at the same time. */
const MULTIPART_CONCURRENCY = 4;

/** Client, settings and request function of the store that runs a multipart upload. */
export interface MultipartUploadContext {
  client: S3Client;
  bucket: string;
  partBytes: number;
  log: Logger;

  /** Sends one request with the store's timeout, retries, logging and error conversion. */
  request<T>(key: string, send: (abortSignal: AbortSignal) => Promise<T>): Promise<T>;
}

/**
 * Uploads `body` under `Key` in parts of `context.partBytes`, at most four at a time. When a part
 * or the completion fails, the remaining parts are not started, the parts in flight are awaited,
 * and the upload is aborted, so that no half-written object becomes visible.
 */
export async function putMultipart(
  context: MultipartUploadContext,
  key: string,
  Key: string,
  body: Uint8Array,
): Promise<void> {
  const { client, bucket: Bucket } = context;
  const created = await context.request(key, (abortSignal) =>
    client.send(new CreateMultipartUploadCommand({ Bucket, Key }), { abortSignal }),
  );
  const UploadId = created.UploadId;
  if (UploadId === undefined) {
    throw new S3StoreError(
      'S3_REQUEST_FAILED',
      `Multipart upload of '${key}' to bucket '${Bucket}' got no upload id from the server`,
    );
  }

  try {
    const parts = await uploadParts(context, key, Key, UploadId, body);
    await completeUpload(context, key, Key, UploadId, parts, body.byteLength);
  } catch (error) {
    await abortUpload(context, key, Key, UploadId);
    throw error;
  }
}

async function uploadParts(
  context: MultipartUploadContext,
  key: string,
  Key: string,
  UploadId: string,
  body: Uint8Array,
): Promise<CompletedPart[]> {
  const { client, bucket: Bucket, partBytes } = context;
  const partCount = Math.ceil(body.byteLength / partBytes);
  const parts: CompletedPart[] = new Array(partCount);
  let next = 0;
  let failed = false;

  const uploadNext = async (): Promise<void> => {
    while (next < partCount && !failed) {
      const index = next++;
      const Body = body.subarray(index * partBytes, (index + 1) * partBytes);
      const PartNumber = index + 1;
      try {
        const response = await context.request(key, (abortSignal) =>
          client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body }), {
            abortSignal,
          }),
        );
        parts[index] = { PartNumber, ETag: response.ETag };
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };

  const workers = Array.from({ length: Math.min(MULTIPART_CONCURRENCY, partCount) }, uploadNext);
  const results = await Promise.allSettled(workers);
  const rejected = results.find((result) => result.status === 'rejected');
  if (rejected !== undefined) throw (rejected as PromiseRejectedResult).reason;
  return parts;
}

/**
 * Completes the upload. A retry after a dropped connection can meet NoSuchUpload because the
 * first attempt did complete. The upload then counts as done when the object has the body's size.
 */
async function completeUpload(
  context: MultipartUploadContext,
  key: string,
  Key: string,
  UploadId: string,
  parts: CompletedPart[],
  size: number,
): Promise<void> {
  const { client, bucket: Bucket } = context;
  let outcomeUnknown = false;

  await context.request(key, async (abortSignal) => {
    try {
      const MultipartUpload = { Parts: parts };
      await client.send(
        new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload }),
        { abortSignal },
      );
    } catch (error) {
      if (outcomeUnknown && errorName(error) === 'NoSuchUpload') {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key }), { abortSignal });
        if (head.ContentLength === size) return;
      }
      outcomeUnknown ||= isTransientError(error) && !isRejectedBeforeWrite(error);
      throw error;
    }
  });
}

async function abortUpload(
  context: MultipartUploadContext,
  key: string,
  Key: string,
  UploadId: string,
): Promise<void> {
  try {
    await context.client.send(
      new AbortMultipartUploadCommand({ Bucket: context.bucket, Key, UploadId }),
    );
  } catch (error) {
    context.log.warn(
      { key, uploadId: UploadId, err: summarizeError(error) },
      'Abort of a failed multipart upload failed, so its parts stay until a lifecycle rule ' +
        'or another abort removes them',
    );
  }
}
