import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { TestProject } from 'vitest/node';

import type { S3TestTarget } from './s3-test-target.js';

const run = promisify(execFile);

const SERVICES_DIR = fileURLToPath(new URL('../services/', import.meta.url));

/** Covers an apt-get install of Ceph on a fresh machine (about 15 s) plus the start (about 2 s). */
const CEPH_START_TIMEOUT_MS = 300_000;
const CEPH_STOP_TIMEOUT_MS = 60_000;

/**
 * Vitest global setup that provides an S3 endpoint to the suites as `inject('skysiftS3')`.
 * With `SKYSIFT_S3_ENDPOINT` set it provides that endpoint and the keys in `AWS_ACCESS_KEY_ID`
 * and `AWS_SECRET_ACCESS_KEY`. Otherwise it starts a throw-away Ceph cluster with
 * `test/services/ceph-start.sh` and stops it in teardown. When Ceph cannot be started, the
 * target is unavailable with the reason and the S3 suites skip, unless `SKYSIFT_REQUIRE_S3=1`
 * makes the failure fail the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const userEndpoint = process.env.SKYSIFT_S3_ENDPOINT;
  if (userEndpoint) {
    project.provide('skysiftS3', userTarget(userEndpoint));
    return async () => {};
  }
  if (process.env.SKYSIFT_CEPH === 'off') {
    project.provide('skysiftS3', {
      available: false,
      reason: 'SKYSIFT_CEPH=off: no Ceph cluster was started',
    });
    return async () => {};
  }

  // ceph-stop.sh deletes this directory. Only a failed start leaves a file beside it: the log.
  const clusterDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skysift-ceph-'));
  const target = await startCeph(clusterDir);
  project.provide('skysiftS3', target);
  if (!target.available) return async () => {};

  return async () => {
    await run('bash', [path.join(SERVICES_DIR, 'ceph-stop.sh'), clusterDir], {
      timeout: CEPH_STOP_TIMEOUT_MS,
    });
  };
}

function userTarget(endpoint: string): S3TestTarget {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    return {
      available: false,
      reason: `SKYSIFT_S3_ENDPOINT is '${endpoint}' but AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is unset`,
    };
  }
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return { available: true, endpoint, accessKeyId, secretAccessKey, region };
}

/**
 * Runs ceph-start.sh and reads the env file it writes. On failure it keeps the script's output in
 * CLUSTER_DIR.start.log and returns an unavailable target naming the cause.
 */
async function startCeph(clusterDir: string): Promise<S3TestTarget> {
  const logPath = `${clusterDir}.start.log`;
  try {
    const { stdout, stderr } = await run(
      'bash',
      [path.join(SERVICES_DIR, 'ceph-start.sh'), clusterDir],
      {
        timeout: CEPH_START_TIMEOUT_MS,
        // The cluster stops itself if this process dies before teardown runs.
        env: { ...process.env, SKYSIFT_CEPH_OWNER_PID: String(process.pid) },
      },
    );
    process.stderr.write(stdout + stderr);
    return await readClusterEnv(clusterDir);
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string; message?: string };
    await fs.writeFile(logPath, `${output.stdout ?? ''}${output.stderr ?? output.message ?? ''}`);
    const reason =
      `Ceph could not be started (${failureLine(output.stderr) ?? output.message}); ` +
      `the start log is ${logPath} and the daemon logs are in ${clusterDir}/log`;
    if (process.env.SKYSIFT_REQUIRE_S3 === '1') throw new Error(reason, { cause: error });
    return { available: false, reason };
  }
}

/** Reads the env file that ceph-start.sh wrote in CLUSTER_DIR as an available S3 target. */
export async function readClusterEnv(
  clusterDir: string,
): Promise<S3TestTarget & { available: true }> {
  const text = await fs.readFile(path.join(clusterDir, 'env'), 'utf8');
  const env = new Map(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return {
    available: true,
    endpoint: env.get('AWS_ENDPOINT_URL') ?? '',
    accessKeyId: env.get('AWS_ACCESS_KEY_ID') ?? '',
    secretAccessKey: env.get('AWS_SECRET_ACCESS_KEY') ?? '',
    region: env.get('AWS_REGION') ?? 'us-east-1',
    clusterDir,
  };
}

/** Returns the last `ceph:` line of the start script's stderr that names a cause. */
function failureLine(stderr: string | undefined): string | undefined {
  const lines = (stderr ?? '')
    .split('\n')
    .filter((line) => line.startsWith('ceph: ') && !line.startsWith('ceph: start failed'));
  return lines.at(-1)?.slice('ceph: '.length);
}
