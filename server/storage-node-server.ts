import * as grpc from '@grpc/grpc-js';
import { tableToIPC } from 'apache-arrow';
import type { Logger } from 'pino';
import { ObjectScanner } from '../object-class/scan-object.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import { asError, createLogger } from './log.js';
import { bindServer, CHANNEL_OPTIONS, objectClassService } from './rpc/protos.js';
import { parseScanRequest, type ScanRequestMessage } from './rpc/scan-request.js';
import { toServiceError } from './rpc/service-error.js';

/** Options of `startStorageNode`. */
export interface StorageNodeOptions {
  nodeId: string;
  store: ObjectStore;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** Listen port; 0 picks a free one. */
  port: number;
}

/** A running storage node. */
export interface RunningService {
  /** `host:port` the service listens on. */
  address: string;
  port: number;
  /** Stops accepting calls, waits briefly for running ones, then closes. */
  close(): Promise<void>;
}

/** Bytes of Arrow IPC per reply message when streaming result rows. */
const ROWS_CHUNK_BYTES = 1024 * 1024;
const SHUTDOWN_GRACE_MS = 5_000;

/** Starts the object-class gRPC service of one storage node over `options.store`. */
export async function startStorageNode(options: StorageNodeOptions): Promise<RunningService> {
  const log = createLogger('storage-node').child({ nodeId: options.nodeId });
  const scanner = new ObjectScanner(options.store);
  const counters = { running: 0, done: 0 };
  const server = new grpc.Server(CHANNEL_OPTIONS);

  server.addService(objectClassService().service, {
    Scan: (call: grpc.ServerWritableStream<ScanRequestMessage, unknown>) =>
      void handleScan(call, scanner, options.nodeId, counters, log),
    Stat: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
      callback(null, {
        nodeId: options.nodeId,
        store: options.store.description,
        scansRunning: counters.running,
        scansDone: counters.done,
      }),
  });

  const host = options.host ?? '127.0.0.1';
  const port = await bindServer(server, host, options.port);
  log.info({ host, port, store: options.store.description }, 'storage node started');
  return {
    address: `${host}:${port}`,
    port,
    close: () => shutdown(server, log, 'storage node stopped'),
  };
}

async function handleScan(
  call: grpc.ServerWritableStream<ScanRequestMessage, unknown>,
  scanner: ObjectScanner,
  nodeId: string,
  counters: { running: number; done: number },
  log: Logger,
): Promise<void> {
  const request = call.request;
  const started = performance.now();
  let objectKey = '?';
  counters.running++;
  try {
    const { object, plan, schema } = parseScanRequest(request);
    objectKey = object.key;
    const result = await scanner.scan(object, plan, schema);

    let bytesSent = 0;
    if (result.rows !== undefined) {
      const ipc = tableToIPC(result.rows, 'stream');
      for (let offset = 0; offset < ipc.length; offset += ROWS_CHUNK_BYTES) {
        call.write({ arrowIpc: ipc.subarray(offset, offset + ROWS_CHUNK_BYTES) });
      }
      bytesSent += ipc.length;
    }
    const partialJson = result.partial === undefined ? '' : JSON.stringify(result.partial);
    bytesSent += partialJson.length;
    call.write({
      done: {
        partialJson,
        eventsScanned: result.eventsScanned,
        eventsSelected: result.eventsSelected,
        bytesRead: result.bytesRead,
        bytesSent,
        nodeId,
      },
    });
    call.end();
    log.debug(
      {
        requestId: request.requestId,
        object: objectKey,
        bytesRead: result.bytesRead,
        bytesSent,
        ms: Math.round(performance.now() - started),
      },
      'scan done',
    );
  } catch (error) {
    log.warn(
      { requestId: request.requestId, object: objectKey, err: asError(error) },
      'scan failed',
    );
    // grpc-js turns an 'error' event on a server stream into the call's final status.
    call.emit('error', toServiceError(error));
  } finally {
    counters.running--;
    counters.done++;
  }
}

/** Shuts a gRPC server down gracefully, forcing it after a grace period. */
export function shutdown(server: grpc.Server, log: Logger, message: string): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      log.info('forced shutdown after grace period');
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      log.info(message);
      resolve();
    });
  });
}
