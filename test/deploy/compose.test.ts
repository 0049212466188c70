import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it, vi } from 'vitest';

const run = promisify(execFile);

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
const APT_TIMEOUT_MS = 300_000;

const STORAGE_SERVICES = ['storage-1', 'storage-2', 'storage-3'];
const SKYSIFT_SERVICES = [...STORAGE_SERVICES, 'transformer', 'delivery'];

interface ComposeService {
  image?: string;
  command?: string[];
  profiles?: string[];
}

/** Returns the path of docker-compose, installing Debian's package when it is missing and apt works. */
async function findDockerCompose(): Promise<{ path?: string; reason?: string }> {
  const found = await which('docker-compose');
  if (found !== undefined) return { path: found };

  if (process.getuid?.() !== 0 || (await which('apt-get')) === undefined) {
    return { reason: 'docker-compose is not installed, and installing it needs root and apt-get' };
  }
  try {
    await run('apt-get', ['update'], { timeout: APT_TIMEOUT_MS });
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'docker-compose'], {
      timeout: APT_TIMEOUT_MS,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch (error) {
    return { reason: `apt-get install docker-compose failed: ${(error as Error).message}` };
  }
  return { path: await which('docker-compose') };
}

async function which(command: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('sh', ['-c', `command -v ${command}`]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `docker-compose config` and parses its YAML with the Python that runs docker-compose,
 * which always has PyYAML, so the test needs no YAML package of its own.
 */
async function composeServices(
  dockerCompose: string,
  profiles: string[],
): Promise<Record<string, ComposeService>> {
  const profileArgs = profiles.flatMap((profile) => ['--profile', profile]);
  const { stdout } = await run(dockerCompose, ['-f', COMPOSE_FILE, ...profileArgs, 'config'], {
    env: { ...process.env, SKYSIFT_S3_ENDPOINT: '' },
  });

  const python = readFileSync(dockerCompose, 'utf8')
    .split('\n')[0]
    ?.replace(/^#!\s*/, '');
  const [interpreter, ...interpreterArgs] = (python ?? 'python3').split(/\s+/);
  const parse = execFile(interpreter ?? 'python3', [
    ...interpreterArgs,
    '-c',
    'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))',
  ]);
  const output = new Promise<string>((resolve, reject) => {
    let text = '';
    parse.stdout?.on('data', (chunk) => (text += chunk));
    parse.on('error', reject);
    parse.on('close', (status) =>
      status === 0 ? resolve(text) : reject(new Error(`YAML parse exited with ${status}`)),
    );
  });
  parse.stdin?.end(stdout);
  return (JSON.parse(await output) as { services: Record<string, ComposeService> }).services;
}

/**
 * Runs `skysift COMMAND --help` in process and returns the exit status and the usage text. The CLI
 * is imported here rather than at the top, so a broken CLI fails this check alone.
 */
async function commandUsage(command: string): Promise<{ status: number; usage: string }> {
  const { main } = await import('../../client/cli/main.js');
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((text: unknown) => {
    lines.push(String(text));
  });
  const error = vi.spyOn(console, 'error').mockImplementation((text: unknown) => {
    lines.push(String(text));
  });
  try {
    const status = await main([command, '--help']);
    return { status, usage: lines.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function flagValue(command: string[], flag: string): string | undefined {
  const index = command.indexOf(flag);
  return index < 0 ? undefined : command[index + 1];
}

const dockerCompose = await findDockerCompose();
const suiteName = dockerCompose.path
  ? 'docker-compose.yml'
  : `docker-compose.yml (skipped: ${dockerCompose.reason})`;

describe.skipIf(dockerCompose.path === undefined)(suiteName, () => {
  const binary = dockerCompose.path ?? '';

  it('is valid for docker-compose config', async () => {
    await expect(run(binary, ['-f', COMPOSE_FILE, 'config', '-q'])).resolves.toBeDefined();
    const withProfiles = ['-f', COMPOSE_FILE, '--profile', 'ceph', '--profile', 'tools'];
    await expect(run(binary, [...withProfiles, 'config', '-q'])).resolves.toBeDefined();
  });

  it('defines the store and the skysift services', async () => {
    const services = await composeServices(binary, ['ceph', 'tools']);

    expect(Object.keys(services).sort()).toEqual(
      ['ceph', 'cli', 'minio', 'minio-init', ...SKYSIFT_SERVICES].sort(),
    );
    expect(services.ceph?.profiles).toEqual(['ceph']);
    expect(services.minio?.profiles).toBeUndefined();
  });

  it('service commands name existing CLI subcommands and flags', async () => {
    const services = await composeServices(binary, []);

    for (const name of SKYSIFT_SERVICES) {
      const command = services[name]?.command ?? [];
      const [subcommand, ...args] = command;
      expect(subcommand, `command of service ${name}`).toBeDefined();

      const { status, usage } = await commandUsage(subcommand ?? '');
      expect(status, `'skysift ${subcommand} --help' exit status (service ${name})`).toBe(0);
      for (const flag of args.filter((arg) => arg.startsWith('--'))) {
        expect(usage, `flag ${flag} of 'skysift ${subcommand}' (service ${name})`).toContain(flag);
      }
    }
  });

  it('transformer lists every storage node', async () => {
    const services = await composeServices(binary, []);

    const expected = STORAGE_SERVICES.map((name) => {
      const command = services[name]?.command ?? [];
      return `${flagValue(command, '--node-id')}=${name}:${flagValue(command, '--port')}`;
    });
    const nodes = flagValue(services.transformer?.command ?? [], '--nodes');
    expect(nodes?.split(',')).toEqual(expected);
    expect(new Set(expected).size).toBe(STORAGE_SERVICES.length);
  });

  it('services share one store and listen on all interfaces', async () => {
    const services = await composeServices(binary, []);

    for (const name of SKYSIFT_SERVICES) {
      const command = services[name]?.command ?? [];
      expect(flagValue(command, '--store'), `--store of ${name}`).toBe('s3://skysift-data');
      expect(flagValue(command, '--s3-endpoint'), `--s3-endpoint of ${name}`).toBe(
        'http://minio:9000',
      );
      expect(flagValue(command, '--host'), `--host of ${name}`).toBe('0.0.0.0');
    }
  });
});
