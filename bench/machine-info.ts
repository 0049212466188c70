import { readFileSync } from 'node:fs';
import os from 'node:os';

/** The machine a benchmark ran on. */
export interface MachineInfo {
  /** Logical cores the operating system reports. */
  cores: number;
  /** CPU model from `/proc/cpuinfo`, or from Node's `os.cpus()` where that file is missing. */
  cpuModel: string;
  memoryBytes: number;
  os: string;
  node: string;
}

/** Describes this machine: cores, CPU model, memory, operating system and Node.js version. */
export function machineInfo(): MachineInfo {
  return {
    cores: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // No /proc on this system: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/** Returns the process's resident set size high-water mark so far, in bytes. */
export function peakRssBytes(): number {
  // resourceUsage().maxRSS is in kilobytes (KiB) on Linux.
  return process.resourceUsage().maxRSS * 1024;
}
