import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** gRPC message size limit of every skysift channel and server. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Channel and server options shared by every skysift endpoint. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 30_000,
};

const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Finds the `proto/` folder from the source tree or the compiled `dist/` tree. */
function protoDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'proto');
    if (existsSync(path.join(candidate, 'object_class.proto'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('The proto/ folder was not found above ' + fileURLToPath(import.meta.url));
}

let loaded: grpc.GrpcObject | undefined;

function load(): grpc.GrpcObject {
  if (loaded === undefined) {
    const dir = protoDir();
    const definition = protoLoader.loadSync(
      [path.join(dir, 'object_class.proto'), path.join(dir, 'transformer.proto')],
      LOADER_OPTIONS,
    );
    loaded = grpc.loadPackageDefinition(definition);
  }
  return loaded;
}

type ServiceClientCtor = grpc.ServiceClientConstructor;

function lookup(name: string): ServiceClientCtor {
  let node: unknown = load();
  for (const part of name.split('.')) node = (node as Record<string, unknown>)[part];
  return node as ServiceClientCtor;
}

/** The generated client constructor and service definition of the object-class service. */
export function objectClassService(): ServiceClientCtor {
  return lookup('skysift.objectclass.v1.ObjectClass');
}

/** The generated client constructor and service definition of the transformer service. */
export function transformerService(): ServiceClientCtor {
  return lookup('skysift.transformer.v1.Transformer');
}

/** Binds a gRPC server to `host:port` (port 0 picks a free port) and returns the bound port. */
export function bindServer(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error
        ? reject(new Error(`Cannot listen on ${host}:${port}: ${error.message}`))
        : resolve(bound),
    );
  });
}
