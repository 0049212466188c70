import { existsSync } from 'node:fs';
import path from 'node:path';

/** The sample data directory from `SKYSIFT_SAMPLE_DATA`, or null when it is unset or missing. */
export function sampleDataDir(): string | null {
  const dir = process.env.SKYSIFT_SAMPLE_DATA;
  if (dir === undefined || dir === '' || !existsSync(path.join(dir, 'adl'))) return null;
  return dir;
}

/** Why sample-data tests are skipped, for the skip message. */
export const SAMPLE_DATA_SKIP =
  'sample data directory not found: set SKYSIFT_SAMPLE_DATA to the folder holding adl/ and root/';

/** Paths of the real CMS sample files in both layouts. */
export function sampleFiles(dir: string) {
  return {
    flat: path.join(dir, 'adl', 'Run2012B_SingleMu-1000.parquet'),
    nested: path.join(dir, 'adl', 'Run2012B_SingleMu-restructured-1000.parquet'),
    ref: (task: string) => path.join(dir, 'adl', 'refs', `${task}.csv`),
  };
}
