import * as grpc from '@grpc/grpc-js';
import { tableFromIPC, type Table } from 'apache-arrow';
import { CHANNEL_OPTIONS, transformerService } from '../server/rpc/protos.js';
import { fromServiceError } from '../server/rpc/service-error.js';
import type { OutputRequest } from '../transformers/planner/plan-query.js';
import type { QuerySummary } from '../transformers/service/query-summary.js';

/** A query for `SkysiftClient.query`. */
export interface ClientQuery {
  dataset: string;
  /** func_adl text, in Python lambda form or qastle. */
  query: string;
  /** Rows (the default) or an aggregate such as a histogram. */
  output?: OutputRequest;
  requestId?: string;
}

/** The reduced result of a query. */
export interface QueryResult {
  /** Result rows, for row output. */
  table?: Table;
  /** The merged aggregate, for aggregate output. */
  aggregate?: unknown;
  summary: QuerySummary;
}

/** Result of `explain`: the query as qastle, the typed tree and the plan each object runs. */
export interface ExplainResult {
  qastle: string;
  typedTree: string;
  plan: string;
  planJson: string;
}

/** One event of `SkysiftClient.queryStream`. */
export type QueryStreamEvent =
  /** The result rows of one object, in object order. */
  | { kind: 'rows'; table: Table }
  /** The end of the query: the merged aggregate (if any) and the pushdown summary. */
  | { kind: 'done'; aggregate?: unknown; summary: QuerySummary };

/** A running query whose events arrive as the transformer sends them. */
export interface QueryStream {
  /** The query's events; iteration throws a `RemoteError` when the query fails. */
  events: AsyncIterable<QueryStreamEvent>;
  /** Cancels the gRPC call, so that iterating `events` throws a CANCELLED `RemoteError`. */
  cancel(): void;
}

interface QueryReply {
  arrowIpc?: Uint8Array;
  done?: { resultJson: string; summaryJson: string };
}

type TransformerStub = grpc.Client & {
  Query(request: object): grpc.ClientReadableStream<QueryReply>;
  Explain(
    request: object,
    callback: (error: grpc.ServiceError | null, reply: ExplainResult) => void,
  ): void;
  Describe(
    request: object,
    callback: (error: grpc.ServiceError | null, reply: { json: string }) => void,
  ): void;
};

/**
 * A client of a skysift transformer.
 *
 * @example
 * const client = new SkysiftClient('127.0.0.1:50050');
 * const { aggregate, summary } = await client.query({
 *   dataset: 'cms-2012',
 *   query: 'Select(lambda e: e.MET_pt)',
 *   output: { kind: 'histogram', bins: 100, low: 0, high: 2000 },
 * });
 * client.close();
 */
export class SkysiftClient {
  private readonly stub: TransformerStub;

  constructor(readonly endpoint: string) {
    const Ctor = transformerService();
    this.stub = new Ctor(
      endpoint,
      grpc.credentials.createInsecure(),
      CHANNEL_OPTIONS,
    ) as unknown as TransformerStub;
  }

  /** Runs a query and collects its reduced result. */
  query(request: ClientQuery): Promise<QueryResult> {
    const call = this.stub.Query({
      dataset: request.dataset,
      query: request.query,
      outputJson: JSON.stringify(request.output ?? { kind: 'rows' }),
      requestId: request.requestId ?? '',
    });
    return new Promise((resolve, reject) => {
      const tables: Table[] = [];
      let done: QueryReply['done'];
      call.on('data', (reply: QueryReply) => {
        if (reply.arrowIpc && reply.arrowIpc.length > 0) tables.push(tableFromIPC(reply.arrowIpc));
        if (reply.done) done = reply.done;
      });
      call.on('error', (error) => reject(fromServiceError(error, this.endpoint)));
      call.on('end', () => {
        if (done === undefined) {
          reject(new Error(`Transformer at ${this.endpoint} ended the query without a summary`));
          return;
        }
        resolve({
          table: concatTables(tables),
          aggregate: done.resultJson === '' ? undefined : JSON.parse(done.resultJson),
          summary: JSON.parse(done.summaryJson) as QuerySummary,
        });
      });
    });
  }

  /**
   * Runs a query and yields its events as they arrive: for row output, one `rows` event per
   * object scanned (in object order), then one `done` event.
   */
  queryStream(request: ClientQuery): QueryStream {
    const call = this.stub.Query({
      dataset: request.dataset,
      query: request.query,
      outputJson: JSON.stringify(request.output ?? { kind: 'rows' }),
      requestId: request.requestId ?? '',
    });
    return { events: queryEvents(call, this.endpoint), cancel: () => call.cancel() };
  }

  /** Parses and plans a query without reading data. */
  explain(request: ClientQuery): Promise<ExplainResult> {
    return new Promise((resolve, reject) =>
      this.stub.Explain(
        {
          dataset: request.dataset,
          query: request.query,
          outputJson: JSON.stringify(request.output ?? { kind: 'rows' }),
        },
        (error, reply) => (error ? reject(fromServiceError(error, this.endpoint)) : resolve(reply)),
      ),
    );
  }

  /** Lists the datasets (no argument) or describes one. */
  describe(dataset = ''): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.stub.Describe({ dataset }, (error, reply) =>
        error ? reject(fromServiceError(error, this.endpoint)) : resolve(JSON.parse(reply.json)),
      ),
    );
  }

  close(): void {
    this.stub.close();
  }
}

async function* queryEvents(
  call: grpc.ClientReadableStream<QueryReply>,
  endpoint: string,
): AsyncGenerator<QueryStreamEvent> {
  let done = false;
  const replies = call as AsyncIterable<QueryReply>;
  try {
    for await (const reply of replies) {
      if (reply.arrowIpc && reply.arrowIpc.length > 0) {
        yield { kind: 'rows', table: tableFromIPC(reply.arrowIpc) };
      }
      if (reply.done) {
        done = true;
        const { resultJson, summaryJson } = reply.done;
        const aggregate: unknown = resultJson === '' ? undefined : JSON.parse(resultJson);
        yield { kind: 'done', aggregate, summary: JSON.parse(summaryJson) as QuerySummary };
      }
    }
  } catch (error) {
    throw fromServiceError(error, endpoint);
  }
  if (!done) throw new Error(`Transformer at ${endpoint} ended the query without a summary`);
}

function concatTables(tables: Table[]): Table | undefined {
  if (tables.length === 0) return undefined;
  if (tables.length === 1) return tables[0];
  return tables[0].concat(...tables.slice(1));
}
