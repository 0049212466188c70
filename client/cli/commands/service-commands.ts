import { parseArgs } from 'node:util';
import { createLogger } from '../../../server/log.js';
import { startStorageNode, type RunningService } from '../../../server/storage-node-server.js';
import { startTransformer } from '../../../server/transformer-server.js';
import type { NodeAddress } from '../../../transformers/service/node-pool.js';
import { CliError } from '../cli-error.js';
import {
  LIMIT_OPTIONS,
  LIMIT_USAGE,
  openStore,
  STORE_OPTIONS,
  transformerLimits,
} from '../store-options.js';
import { parseCount } from './ingest-command.js';

export const NODE_USAGE = `skysift node --node-id ID --port PORT [options]

Runs a storage node: the object-class gRPC service that scans objects of its store.

  --node-id ID        the node's id, as placement in manifests names it (required)
  --port PORT         gRPC port (required; 0 picks a free one)
  --host HOST         listen address (default 127.0.0.1; 0.0.0.0 for all interfaces)
  --home DIR, --store URL, --s3-endpoint URL   the store the node reads`;

export const TRANSFORMER_USAGE = `skysift transformer --port PORT --nodes ID=HOST:PORT,... [options]

Runs a transformer: the gRPC service that plans func_adl queries and fans them out to nodes.

  --port PORT           gRPC port (required; 0 picks a free one)
  --nodes LIST          storage nodes as ID=HOST:PORT, comma-separated (required)
  --host HOST           listen address (default 127.0.0.1)
  --concurrency N       object scans in flight at once (default 8)
${LIMIT_USAGE}
  --home DIR, --store URL, --s3-endpoint URL   the store holding the manifests`;

/** Runs `skysift node` until SIGINT or SIGTERM. */
export async function nodeCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'node-id': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      ...STORE_OPTIONS,
    },
  });
  if (values['node-id'] === undefined)
    throw new CliError('Missing --node-id ID: name this storage node');
  const service = await startStorageNode({
    nodeId: values['node-id'],
    store: openStore(values),
    host: values.host,
    port: parsePort(values.port),
  });
  await runUntilSignal(service, 'storage-node');
}

/** Runs `skysift transformer` until SIGINT or SIGTERM. */
export async function transformerCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      nodes: { type: 'string' },
      host: { type: 'string' },
      concurrency: { type: 'string' },
      ...LIMIT_OPTIONS,
      ...STORE_OPTIONS,
    },
  });
  const service = await startTransformer({
    store: openStore(values),
    nodes: parseNodeList(values.nodes),
    host: values.host,
    port: parsePort(values.port),
    concurrency: parseCount('--concurrency', values.concurrency),
    ...transformerLimits(values),
  });
  await runUntilSignal(service, 'transformer');
}

/** Parses `ID=HOST:PORT,ID=HOST:PORT`. */
export function parseNodeList(text: string | undefined): NodeAddress[] {
  if (text === undefined || text === '') {
    throw new CliError(
      'Missing --nodes ID=HOST:PORT,...: list the storage nodes the transformer uses',
    );
  }
  return text.split(',').map((entry) => {
    const match = /^([A-Za-z0-9._-]+)=([^\s=]+:\d+)$/.exec(entry);
    if (match === null) {
      throw new CliError(
        `Invalid --nodes entry '${entry}': expected ID=HOST:PORT such as node-1=127.0.0.1:50051`,
      );
    }
    return { id: match[1], address: match[2] };
  });
}

function parsePort(text: string | undefined): number {
  if (text === undefined)
    throw new CliError('Missing --port PORT: choose the gRPC port (0 picks a free one)');
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new CliError(`Invalid --port value '${text}': expected a whole number from 0 to 65535`);
  }
  return port;
}

async function runUntilSignal(service: RunningService, component: string): Promise<void> {
  const log = createLogger(component);
  process.stdout.write(`listening on ${service.address}\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping on signal');
      void service.close().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
