import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { makeTempStore, type TempStore } from './hostile-fixtures.js';

const QUERY = 'Select(lambda e: e.MET_pt)';
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;

describe('command line with mistaken arguments', () => {
  let temp: TempStore;
  let silent: net.Server;
  let silentPort: number;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    temp = await makeTempStore(40, 10);
    // Accepts TCP connections and never replies, as a service of another protocol might.
    silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as net.AddressInfo).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent?.close(resolve));
    temp?.remove();
  });

  function query(...args: string[]) {
    return runCli(['query', '--home', temp.home, '--dataset', 'events', ...args]);
  }

  it('runs a valid query', async () => {
    const run = await query('--hist', '10,0,100', QUERY);
    expect(run.stderr).toContain('40 scanned');
    expect(run.status).toBe(0);
  });

  it.each([
    ['unknown option', ['--bogus', '1', QUERY], "Unknown option '--bogus'"],
    ['missing value', ['--hist'], "Option '--hist <value>' argument missing"],
    ['zero bins', ['--hist', '0,0,1', QUERY], "Invalid --hist value '0,0,1'"],
    ['NaN bins', ['--hist', 'NaN,0,1', QUERY], "Invalid --hist value 'NaN,0,1'"],
    ['1e9 bins', ['--hist', '1e9,0,1', QUERY], "Invalid --hist value '1e9,0,1'"],
    ['negative bins', ['--hist=-5,0,1', QUERY], "Invalid --hist value '-5,0,1'"],
    ['low equal to high', ['--hist', '10,1,1', QUERY], 'LOW must be less than HIGH'],
    ['infinite high', ['--hist', '10,0,1e400', QUERY], 'must be finite numbers'],
    ['zero nodes', ['--nodes', '0', QUERY], "Invalid --nodes value '0'"],
    ['1000 nodes', ['--nodes', '1000', QUERY], "Invalid node count '1000'"],
    ['unknown format', ['--format', 'xml', QUERY], 'xml'],
  ])('rejects %s', async (_label, args, message) => {
    const run = await query(...args);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects -o into a missing folder before querying', async () => {
    const target = path.join(temp.home, 'missing', 'deeper', 'met.parquet');
    const run = await query('--format', 'parquet', '-o', target, QUERY);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`Cannot write '${target}': the folder`);
    expect(run.stderr).not.toContain('scanned');
    expect(existsSync(target)).toBe(false);
  });

  it('fails fast on a closed endpoint', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const started = performance.now();
    const run = await query('--endpoint', `127.0.0.1:${port}`, QUERY);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`Cannot connect to the transformer at 127.0.0.1:${port}`);
  });

  it('fails within the connect timeout on a silent endpoint', async () => {
    const started = performance.now();
    const run = await query('--endpoint', `127.0.0.1:${silentPort}`, QUERY);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`no gRPC connection within 10000 ms`);
  }, 60_000);

  it.skipIf(!HAS_SCRIPT)('refuses Arrow bytes to a terminal', async () => {
    const cli = path.join(REPO_ROOT, 'bin', 'skysift.js');
    const command = [process.execPath, cli, 'query', '--home', temp.home, '--dataset', 'events']
      .concat(['--format', 'arrow', `'${QUERY}'`])
      .join(' ');
    // script(1) runs the command with a pseudo-terminal as its standard output.
    const run = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'latin1',
      env: { ...process.env, SKYSIFT_LOG_LEVEL: 'warn' },
      timeout: 60_000,
    });
    expect(run.stdout).toContain('terminal');
    expect(run.stdout).not.toContain('ARROW1');
  });
});
