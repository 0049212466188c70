import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './run-cli.js';

const START_TIMEOUT_MS = 30_000;

/** A storage node running as a child process of the test. */
export interface NodeProcess {
  id: string;
  address: string;
  port: number;
  child: ChildProcess;
  /** Stops the node with SIGTERM and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts `skysift node` as a child process and waits until it listens. */
export function startNodeProcess(id: string, home: string, port = 0): Promise<NodeProcess> {
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, 'bin', 'skysift.js'),
      'node',
      '--node-id',
      id,
      '--port',
      String(port),
      '--home',
      home,
    ],
    { env: { ...process.env, SKYSIFT_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Node ${id} did not start within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+):(\d+)/.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      resolve({
        id,
        address: `${match[1]}:${match[2]}`,
        port: Number(match[2]),
        child,
        stop: () => stopChild(child),
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Node ${id} exited with status ${code} before listening: ${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
