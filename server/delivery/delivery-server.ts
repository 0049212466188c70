import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import { asError, createLogger } from '../log.js';
import { DeliveryError } from './delivery-error.js';
import { toApiJson } from './delivery-record.js';
import { DeliveryService } from './delivery-service.js';
import { MAX_REQUEST_BODY_BYTES, readJsonBody, sendJson, sendStoredObject } from './http-io.js';

/** Options of `startDeliveryServer`. */
export interface DeliveryServerOptions {
  /** Store of the datasets. Result files and request state are written there too. */
  store: ObjectStore;
  /** `host:port` of the transformer that runs the queries. */
  transformer: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** TCP port, or 0 to pick a free one. */
  port: number;
  /** Requests running at once (default 4). */
  maxRunning?: number;
}

/** A running delivery server. */
export interface RunningDeliveryServer {
  /** `host:port` it listens on. */
  address: string;
  port: number;
  /** Base URL of the API, such as `http://127.0.0.1:50060`. */
  url: string;
  service: DeliveryService;
  /** Stops accepting connections, stops running requests (they end `Failed`) and waits. */
  close(): Promise<void>;
}

const API_PREFIX = '/servicex/transformation';

const CONTENT_TYPES = {
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
} as const;

/**
 * Starts the delivery HTTP API, modelled on ServiceX's REST API:
 *
 * - `POST /servicex/transformation` submits `{"did", "selection", "result-format", "title",
 *   "ignore-cache"}` and returns `{"request_id"}`.
 * - `GET /servicex/transformation` lists requests as `{"requests": [...]}`.
 * - `GET /servicex/transformation/ID` (or `.../ID/status`) returns a request's status.
 * - `GET .../ID/results` lists result files, and `GET .../ID/results/NAME` downloads one.
 * - `GET .../ID/cancel` and `DELETE .../ID` cancel a request.
 * - `GET /healthz` returns `{"status": "ok"}`.
 *
 * Errors are JSON `{"message"}` with status 400, 404, 405, 409, 413 or 500.
 */
export async function startDeliveryServer(
  options: DeliveryServerOptions,
): Promise<RunningDeliveryServer> {
  const log = createLogger('delivery');
  const service = await DeliveryService.open({ ...options, log });
  const server = http.createServer((request, response) => {
    void handle(request, response, service, options.store, log);
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, host, () => resolve());
    });
  } catch (error) {
    await service.close();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  log.info(
    {
      host,
      port,
      transformer: options.transformer,
      store: options.store.description,
      maxRequestBodyBytes: MAX_REQUEST_BODY_BYTES,
    },
    'delivery server started',
  );

  return {
    address: `${host}:${port}`,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    service,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await service.close();
      server.closeAllConnections();
      await closed;
      log.info({ host, port }, 'delivery server stopped');
    },
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  service: DeliveryService,
  store: ObjectStore,
  log: Logger,
): Promise<void> {
  try {
    await route(request, response, service, store);
  } catch (error) {
    sendFailure(response, error, request, log);
  }
}

async function route(
  request: IncomingMessage,
  response: ServerResponse,
  service: DeliveryService,
  store: ObjectStore,
): Promise<void> {
  const method = request.method ?? 'GET';
  // The raw path, not a normalized URL: a `..` segment stays a segment and is rejected as a name.
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    allowMethods(method, ['GET']);
    return sendJson(response, 200, { status: 'ok' });
  }
  if (path === API_PREFIX || path === `${API_PREFIX}/`) {
    allowMethods(method, ['GET', 'POST']);
    if (method === 'GET')
      return sendJson(response, 200, { requests: service.list().map(toApiJson) });
    return submit(request, response, service);
  }
  if (!path.startsWith(`${API_PREFIX}/`)) throw routeNotFound(method, path);

  const [id, action, name, ...extra] = pathSegments(path.slice(API_PREFIX.length + 1));
  if (extra.length > 0) throw routeNotFound(method, path);
  await routeRequest({ request, response, service, store, method, path }, id, action, name);
}

interface RouteContext {
  request: IncomingMessage;
  response: ServerResponse;
  service: DeliveryService;
  store: ObjectStore;
  method: string;
  path: string;
}

async function routeRequest(
  ctx: RouteContext,
  id: string,
  action: string | undefined,
  name: string | undefined,
): Promise<void> {
  const { response, service, method } = ctx;
  if (action === undefined || (action === 'status' && name === undefined)) {
    allowMethods(method, action === undefined ? ['GET', 'DELETE'] : ['GET']);
    const record = method === 'DELETE' ? await service.cancel(id) : service.get(id);
    return sendJson(response, 200, toApiJson(record));
  }
  if (action === 'cancel' && name === undefined) {
    allowMethods(method, ['GET', 'POST']);
    return sendJson(response, 200, toApiJson(await service.cancel(id)));
  }
  if (action === 'results' && name === undefined) {
    allowMethods(method, ['GET']);
    const record = service.get(id);
    return sendJson(response, 200, { request_id: id, status: record.status, files: record.files });
  }
  if (action === 'results' && name !== undefined) {
    allowMethods(method, ['GET']);
    return download(ctx, id, name);
  }
  throw routeNotFound(method, ctx.path);
}

async function submit(
  request: IncomingMessage,
  response: ServerResponse,
  service: DeliveryService,
): Promise<void> {
  const body = await readJsonBody(request);
  const { record, cached } = await service.submit(body);
  sendJson(response, 200, { request_id: record.requestId, status: record.status, cached });
}

async function download(ctx: RouteContext, id: string, name: string): Promise<void> {
  const { key, file } = ctx.service.resultFile(id, name);
  const format = ctx.service.get(id).resultFormat;
  await sendStoredObject(ctx.response, ctx.store, key, {
    'content-type': CONTENT_TYPES[format],
    'content-disposition': `attachment; filename="${file.name}"`,
    'x-skysift-rows': String(file.rows),
  });
}

/** Splits a path into decoded segments. Throws `INVALID_REQUEST` for a malformed escape. */
function pathSegments(path: string): string[] {
  return path.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new DeliveryError(
        `Invalid escape in path segment '${segment}': percent-encode it as UTF-8`,
        'INVALID_REQUEST',
      );
    }
  });
}

function allowMethods(method: string, allowed: string[]): void {
  if (allowed.includes(method)) return;
  throw new DeliveryError(
    `Method ${method} is not allowed here: use ${allowed.join(' or ')}`,
    'METHOD_NOT_ALLOWED',
  );
}

function routeNotFound(method: string, path: string): DeliveryError {
  return new DeliveryError(
    `No route for ${method} '${path.slice(0, 200)}': the API is under ${API_PREFIX} ` +
      '(see the delivery section of docs/operations.md)',
    'ROUTE_NOT_FOUND',
  );
}

function sendFailure(
  response: ServerResponse,
  error: unknown,
  request: IncomingMessage,
  log: Logger,
): void {
  const fields = { method: request.method, path: request.url };
  if (error instanceof DeliveryError) {
    log.info({ ...fields, status: error.httpStatus, message: error.message }, 'request rejected');
    if (error.code === 'BODY_TOO_LARGE') response.setHeader('connection', 'close');
    if (!response.headersSent) sendJson(response, error.httpStatus, { message: error.message });
    return;
  }
  const err = asError(error);
  log.error({ ...fields, err }, 'request failed');
  if (response.headersSent) {
    response.destroy(err);
    return;
  }
  sendJson(response, 500, { message: `Internal error: ${err.message}; see the server log` });
}
