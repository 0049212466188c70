import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import { DeliveryError } from './delivery-error.js';

/** Maximum request body the delivery API reads, in bytes. Larger bodies get 413. */
export const MAX_REQUEST_BODY_BYTES = 256 * 1024;

/** Size of the ranges read from the store while a result file is sent, in bytes. */
export const DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Reads and parses a JSON request body of at most `MAX_REQUEST_BODY_BYTES`. Throws
 * `DeliveryError`: `BODY_TOO_LARGE` past the limit, `INVALID_REQUEST` for invalid JSON.
 */
export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const text = (await readBody(request)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const excerpt = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw new DeliveryError(
      `Invalid JSON in request body '${excerpt}': ${(error as Error).message}; send a JSON ` +
        'object such as {"did": "skysift://DATASET", "selection": "..."}',
      'INVALID_REQUEST',
    );
  }
}

/**
 * Collects a request body. Past the limit it stops collecting and drains the rest unread, so the
 * socket stays open for the 413 response.
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_REQUEST_BODY_BYTES) {
    request.resume();
    return Promise.reject(tooLarge(`Request body of ${declared} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      request.off('data', onData);
      request.resume();
      reject(tooLarge(`Request body of at least ${size} bytes`));
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

/** Sends a JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + '\n';
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/**
 * Sends a stored object as the response body, reading it in ranges of `DOWNLOAD_CHUNK_BYTES`
 * and waiting for the client to drain each one, so a large file never sits whole in memory.
 */
export async function sendStoredObject(
  response: ServerResponse,
  store: ObjectStore,
  key: string,
  headers: Record<string, string>,
): Promise<void> {
  const head = await store.head(key);
  if (head === null) {
    throw new DeliveryError(
      `Result file '${key}' is missing from ${store.description}`,
      'RESULT_NOT_FOUND',
    );
  }
  response.writeHead(200, { ...headers, 'content-length': String(head.size) });

  for (let offset = 0; offset < head.size; offset += DOWNLOAD_CHUNK_BYTES) {
    if (response.destroyed) return;
    const length = Math.min(DOWNLOAD_CHUNK_BYTES, head.size - offset);
    const chunk = await store.getRange(key, offset, length);
    if (!response.write(chunk)) await waitForDrain(response);
  }
  response.end();
}

function waitForDrain(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

function tooLarge(what: string): DeliveryError {
  return new DeliveryError(
    `${what} is over the limit of ${MAX_REQUEST_BODY_BYTES} bytes: send a shorter query`,
    'BODY_TOO_LARGE',
  );
}
