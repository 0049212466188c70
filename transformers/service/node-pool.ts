import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, objectClassService } from '../../server/rpc/protos.js';
import { fromServiceError, RemoteError } from '../../server/rpc/service-error.js';

/** A storage node the transformer can call. */
export interface NodeAddress {
  id: string;
  /** `host:port` of its object-class service. */
  address: string;
}

/** The final message of a scan, as the node sends it. */
export interface ScanDone {
  partialJson: string;
  eventsScanned: number;
  eventsSelected: number;
  bytesRead: number;
  bytesSent: number;
  nodeId: string;
}

/** Reply of one object's scan: the Arrow IPC stream of its rows (if any) and the summary. */
export interface ScanReplyData {
  ipc: Uint8Array | null;
  done: ScanDone;
}

/** The request of one object-class scan. */
export interface ScanCall {
  requestId: string;
  dataset: string;
  objectJson: string;
  planJson: string;
  schemaJson: string;
}

/** gRPC clients of the storage nodes, one channel per node. */
export class NodePool {
  private readonly clients = new Map<string, grpc.Client>();
  readonly nodes: ReadonlyMap<string, NodeAddress>;

  constructor(nodes: readonly NodeAddress[]) {
    if (nodes.length === 0)
      throw new RangeError('No storage nodes given: a transformer needs at least one');
    this.nodes = new Map(nodes.map((n) => [n.id, n]));
    if (this.nodes.size !== nodes.length) {
      throw new RangeError(
        `Storage node ids must be unique, found: ${nodes.map((n) => n.id).join(', ')}`,
      );
    }
  }

  /** Runs one scan on a node and collects its whole reply stream. */
  scan(nodeId: string, request: ScanCall, deadlineMs: number): Promise<ScanReplyData> {
    const node = this.nodes.get(nodeId);
    if (node === undefined) {
      throw new RangeError(
        `Unknown storage node '${nodeId}'; known: ${[...this.nodes.keys()].join(', ')}`,
      );
    }
    const client = this.clientFor(node) as unknown as {
      Scan(request: ScanCall, options: grpc.CallOptions): grpc.ClientReadableStream<ScanReply>;
    };
    const call = client.Scan(request, { deadline: Date.now() + deadlineMs });
    return collectScan(call, node);
  }

  /** Closes every channel. */
  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private clientFor(node: NodeAddress): grpc.Client {
    let client = this.clients.get(node.id);
    if (client === undefined) {
      const Ctor = objectClassService();
      client = new Ctor(node.address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
      this.clients.set(node.id, client);
    }
    return client;
  }
}

interface ScanReply {
  arrowIpc?: Uint8Array;
  done?: ScanDone;
}

function collectScan(
  call: grpc.ClientReadableStream<ScanReply>,
  node: NodeAddress,
): Promise<ScanReplyData> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let done: ScanDone | undefined;
    call.on('data', (reply: ScanReply) => {
      if (reply.arrowIpc && reply.arrowIpc.length > 0) chunks.push(reply.arrowIpc);
      if (reply.done) done = reply.done;
    });
    call.on('error', (error) => reject(fromServiceError(error, `${node.id} (${node.address})`)));
    call.on('end', () => {
      if (done === undefined) {
        reject(
          new RemoteError(
            `Storage node ${node.id} ended a scan without a result`,
            grpc.status.INTERNAL,
            'INCOMPLETE',
          ),
        );
        return;
      }
      resolve({ ipc: chunks.length > 0 ? Buffer.concat(chunks) : null, done });
    });
  });
}
