import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startDeliveryServer } from '../../../server/delivery/delivery-server.js';
import { DEFAULT_EMBEDDED_NODES, startEmbeddedCluster } from '../../../server/embedded-cluster.js';
import { createLogger } from '../../../server/log.js';
import { CliError } from '../cli-error.js';
import { nodeCount, openStore, STORE_OPTIONS } from '../store-options.js';
import { parseCount } from './ingest-command.js';

/** URL of the delivery service when `--url` is absent. */
export const DEFAULT_DELIVERY_URL = 'http://127.0.0.1:50060';

export const DELIVERY_USAGE = `skysift delivery --port PORT [options]

Runs the delivery service until SIGINT or SIGTERM: an HTTP/JSON API in the style of ServiceX
(POST /servicex/transformation, GET /servicex/transformation/ID, .../results, .../cancel) that
runs func_adl queries as requests and writes each object's rows as one Parquet or Arrow file
under deliveries/ID/ in the store.

  --port PORT             HTTP port (required; 0 picks a free one)
  --host HOST             listen address (default 127.0.0.1; 0.0.0.0 for all interfaces)
  --endpoint HOST:PORT    transformer that runs the queries; without it an embedded cluster starts
  --nodes N               storage nodes of the embedded cluster (default 2)
  --max-running N         requests running at once; later ones wait as Submitted (default 4)
  --home DIR, --store URL, --s3-endpoint URL   the store holding the datasets and the results`;

export const DELIVER_USAGE = `skysift deliver --dataset NAME [options] (QUERY | --file QUERY_FILE)

Submits a func_adl query to a delivery service and prints the request id. With --wait it
follows the progress on standard error and prints the result file names when the request is
complete; with --output-dir it also downloads the files.

  --dataset NAME          dataset to query (required)
  --file FILE             read the query from FILE
  --format F              result file format: parquet (default) or arrow
  --title TEXT            title of the request
  --ignore-cache          run the query again even when an equal request is complete
  --wait                  wait until the request is complete, failed or canceled
  -o, --output-dir DIR    with --wait, download the result files into DIR
  --url URL               the delivery service (default ${DEFAULT_DELIVERY_URL})`;

/** Time between two status requests of `skysift deliver --wait`, in milliseconds. */
export const STATUS_POLL_INTERVAL_MS = 250;

const FINISHED = new Set(['Complete', 'Failed', 'Canceled']);

/** Runs `skysift delivery` until SIGINT or SIGTERM. */
export async function deliveryCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      endpoint: { type: 'string' },
      nodes: { type: 'string' },
      'max-running': { type: 'string' },
      ...STORE_OPTIONS,
    },
  });
  const port = parsePort(values.port);
  const maxRunning = parseCount('--max-running', values['max-running']);
  const store = openStore(values);
  const cluster =
    values.endpoint === undefined
      ? await startEmbeddedCluster({
          store,
          nodes: nodeCount(values.nodes, DEFAULT_EMBEDDED_NODES),
        })
      : undefined;

  try {
    const transformer = values.endpoint ?? (cluster?.endpoint as string);
    const server = await startDeliveryServer({
      store,
      transformer,
      host: values.host,
      port,
      maxRunning,
    });
    process.stdout.write(`listening on ${server.address}\n`);
    await waitForSignal();
    await server.close();
  } finally {
    await cluster?.close();
    await store.close();
  }
}

/** Runs `skysift deliver`. */
export async function deliverCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      file: { type: 'string' },
      format: { type: 'string' },
      title: { type: 'string' },
      'ignore-cache': { type: 'boolean' },
      wait: { type: 'boolean' },
      'output-dir': { type: 'string', short: 'o' },
      url: { type: 'string' },
    },
  });
  if (values.dataset === undefined)
    throw new CliError('Missing --dataset NAME: name the dataset to query');
  if (values['output-dir'] !== undefined && !values.wait) {
    throw new CliError(
      '--output-dir needs --wait: files can be downloaded once the request is complete',
    );
  }
  const api = new DeliveryApi(parseUrl(values.url ?? DEFAULT_DELIVERY_URL));
  const id = await submitRequest(api, {
    title: values.title ?? '',
    did: `skysift://${values.dataset}`,
    selection: await queryText(values.file, positionals),
    'result-format': values.format ?? 'parquet',
    'ignore-cache': values['ignore-cache'] ?? false,
  });
  if (!values.wait) {
    process.stdout.write(`${id}\n`);
    return;
  }

  await followProgress(api, id);
  const { files } = (await api.call('GET', `/${id}/results`)) as { files: { name: string }[] };
  for (const file of files) {
    if (values['output-dir'] !== undefined) await api.download(id, file.name, values['output-dir']);
    process.stdout.write(`${file.name}\n`);
  }
}

/** Submits a request body and returns the request id, noting a cache hit on standard error. */
async function submitRequest(api: DeliveryApi, body: Record<string, unknown>): Promise<string> {
  const reply = (await api.call('POST', '', body)) as { request_id: string; cached: boolean };
  process.stderr.write(`request ${reply.request_id}${reply.cached ? ' (cached)' : ''}\n`);
  return reply.request_id;
}

async function followProgress(api: DeliveryApi, id: string): Promise<void> {
  let lastLine = '';
  for (;;) {
    const status = (await api.call('GET', `/${id}`)) as Record<string, unknown>;
    const line =
      `${status.status}: ${status['files-completed']} of ${status['total-files']} files, ` +
      `${status['files-failed']} failed`;
    if (line !== lastLine) process.stderr.write(`${line}\n`);
    lastLine = line;
    if (status.status === 'Complete') return;
    if (FINISHED.has(String(status.status))) {
      throw new Error(
        `Request ${id} ${String(status.status).toLowerCase()}: ${status['failure-info']}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, STATUS_POLL_INTERVAL_MS));
  }
}

/** A minimal client of the delivery HTTP API. */
class DeliveryApi {
  constructor(private readonly baseUrl: URL) {}

  /** Calls `/servicex/transformation` + `suffix` and returns the JSON reply. */
  async call(method: string, suffix: string, body?: unknown): Promise<unknown> {
    const response = await this.fetch(suffix, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const reply = (await response.json()) as { message?: string };
    if (!response.ok) {
      throw new Error(
        `Delivery service returned ${response.status}: ${reply.message ?? '(no message)'}`,
      );
    }
    return reply;
  }

  /** Downloads one result file into `dir`. */
  async download(id: string, name: string, dir: string): Promise<void> {
    const response = await this.fetch(`/${id}/results/${encodeURIComponent(name)}`, {});
    if (!response.ok) {
      const reply = (await response.json()) as { message?: string };
      throw new Error(
        `Downloading '${name}' failed with status ${response.status}: ${reply.message}`,
      );
    }
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(
      path.join(dir, path.basename(name)),
      new Uint8Array(await response.arrayBuffer()),
    );
  }

  private async fetch(suffix: string, init: RequestInit): Promise<Response> {
    const url = new URL(`servicex/transformation${suffix}`, this.baseUrl);
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? String(error);
      throw new Error(
        `Cannot reach the delivery service at ${this.baseUrl.origin} (${cause}); start it with ` +
          "'skysift delivery --port PORT' or pass --url",
      );
    }
  }
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.endsWith('/') ? text : `${text}/`);
  } catch {
    throw new CliError(
      `Invalid --url value '${text}': expected a URL such as ${DEFAULT_DELIVERY_URL}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`Invalid --url value '${text}': expected an http:// or https:// URL`);
  }
  return url;
}

async function queryText(file: string | undefined, positionals: string[]): Promise<string> {
  if (file !== undefined && positionals.length > 0) {
    throw new CliError('Give the query either as an argument or with --file, not both');
  }
  if (file !== undefined) {
    try {
      return await fs.readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new CliError(`Cannot read query file '${file}': ${code}`);
    }
  }
  if (positionals.length !== 1) {
    throw new CliError(
      positionals.length === 0
        ? "Missing query: pass func_adl text such as 'Select(lambda e: e.MET_pt)' or --file FILE"
        : `Expected one query argument, found ${positionals.length}: quote the query`,
    );
  }
  return positionals[0];
}

function parsePort(text: string | undefined): number {
  if (text === undefined)
    throw new CliError('Missing --port PORT: choose the HTTP port (0 picks a free one)');
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new CliError(`Invalid --port value '${text}': expected a whole number from 0 to 65535`);
  }
  return port;
}

function waitForSignal(): Promise<void> {
  const log = createLogger('delivery');
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping on signal');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
