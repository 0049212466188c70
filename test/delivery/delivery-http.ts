import http from 'node:http';
import { tableFromIPC, type Table } from 'apache-arrow';
import * as parquet from 'parquet-wasm/node';

/** Status and parsed JSON body of one HTTP call. */
export interface ApiReply {
  status: number;
  body: Record<string, unknown>;
}

/** Creates a JSON client of the delivery API at `baseUrl`. */
export function deliveryApi(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiReply> => {
    // A string body is sent as it is, so that tests can send invalid JSON.
    let text: string | undefined;
    if (typeof body === 'string') text = body;
    else if (body !== undefined) text = JSON.stringify(body);
    const response = await fetch(`${baseUrl}${path}`, { method, body: text });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    call,
    submit: (body: unknown) => call('POST', '/servicex/transformation', body),
    status: (id: string) => call('GET', `/servicex/transformation/${id}`),

    /** Polls a request until its status is one of `statuses`. Throws after `timeoutMs`. */
    async waitFor(id: string, statuses: string[], timeoutMs = 30_000): Promise<ApiReply['body']> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { body } = await call('GET', `/servicex/transformation/${id}`);
        if (statuses.includes(String(body.status))) return body;
        if (Date.now() > deadline) {
          throw new Error(
            `Request ${id} is ${body.status} after ${timeoutMs} ms: ${JSON.stringify(body)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },

    /** Downloads a result file through the server. */
    async download(id: string, name: string): Promise<Uint8Array> {
      const response = await fetch(`${baseUrl}/servicex/transformation/${id}/results/${name}`);
      if (!response.ok) throw new Error(`Download of ${name} returned ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

/** Reads a result file: Parquet through parquet-wasm, or an Arrow IPC file. */
export function readResultFile(bytes: Uint8Array, format: 'parquet' | 'arrow'): Table {
  if (format === 'arrow') return tableFromIPC(bytes);
  return tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
}

/**
 * Converts table rows to plain JSON values, 64-bit integers to numbers, so that tables from
 * different readers compare.
 */
export function plainRows(table: Table): unknown[] {
  const text = JSON.stringify(table.toArray(), (_key, value: unknown) =>
    typeof value === 'bigint' ? Number(value) : value,
  );
  return JSON.parse(text) as unknown[];
}

/** Sends a GET with the path exactly as given, unlike fetch, which resolves `..` segments. */
export function getRawPath(baseUrl: string, rawPath: string): Promise<ApiReply> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.get({ host: url.hostname, port: url.port, path: rawPath }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as ApiReply['body'] }),
      );
    });
    request.on('error', reject);
  });
}
