import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS } from '../../server/rpc/protos.js';
import { CliError } from './cli-error.js';

/** Maximum time to establish a gRPC connection to `--endpoint`, in milliseconds. */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Opens a gRPC connection to `endpoint` and waits until it is ready. A command so fails fast on a
 * closed port, and on a server that accepts TCP connections but does not speak gRPC, where calls
 * without a deadline would wait forever. The connection uses the channel options of
 * `SkysiftClient`, so grpc-js can share it with the client's channel.
 */
export async function waitForEndpoint(
  endpoint: string,
  timeoutMs = CONNECT_TIMEOUT_MS,
): Promise<void> {
  const client = new grpc.Client(endpoint, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  try {
    await waitForReady(client.getChannel(), endpoint, timeoutMs);
  } finally {
    client.close();
  }
}

function waitForReady(
  channel: ReturnType<grpc.Client['getChannel']>,
  endpoint: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const state = channel.getConnectivityState(true);
      if (state === grpc.connectivityState.READY) return resolve();
      if (state === grpc.connectivityState.TRANSIENT_FAILURE) {
        return reject(
          new CliError(
            `Cannot connect to the transformer at ${endpoint}: the connection failed; check that --endpoint names a running 'skysift transformer'`,
          ),
        );
      }
      channel.watchConnectivityState(state, deadline, (error?: Error) => {
        if (error === undefined) return check();
        reject(
          new CliError(
            `Cannot connect to the transformer at ${endpoint}: no gRPC connection within ${timeoutMs} ms; ` +
              'check that --endpoint names a skysift transformer and not another service',
          ),
        );
      });
    };
    check();
  });
}
