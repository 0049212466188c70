import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI_TIMEOUT_MS = 120_000;

/** Output of one run of the compiled `skysift` command. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/skysift.js` (the compiled CLI, built by `npm test`) with the given arguments. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'skysift.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, SKYSIFT_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The repository root. */
export const REPO_ROOT = ROOT;
