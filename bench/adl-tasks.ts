import { promises as fs } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../client/package-root.js';
import { histFromQueryFile } from '../client/cli/commands/query-command.js';
import { parseHistogramSpec, type HistogramSpec } from '../client/plot/histogram-csv.js';

/** The nine ADL benchmark tasks. Query-6 fills two histograms, so it counts as two tasks. */
export const ADL_TASK_IDS = [
  'query-1',
  'query-2',
  'query-3',
  'query-4',
  'query-5',
  'query-6-1',
  'query-6-2',
  'query-7',
  'query-8',
] as const;

/** Id of one ADL benchmark task, which is also the name of its query file. */
export type AdlTaskId = (typeof ADL_TASK_IDS)[number];

/**
 * Best published single-thread throughput of mature HEP tools (UnROOT.jl, coffea and
 * RDataFrame) per ADL task, in events per second. These are targets, not measurements of this
 * benchmark.
 */
export const TARGET_EVENTS_PER_SECOND: Record<AdlTaskId, number> = {
  'query-1': 19.2e6,
  'query-2': 5.1e6,
  'query-3': 5.6e6,
  'query-4': 10.8e6,
  'query-5': 6.4e6,
  'query-6-1': 0.22e6,
  'query-6-2': 0.22e6,
  'query-7': 0.68e6,
  'query-8': 0.88e6,
};

/** One ADL task: its func_adl query and the histogram it fills. */
export interface AdlTask {
  id: AdlTaskId;
  /** Path of the query file. */
  file: string;
  /** func_adl text, read unchanged from the query file. */
  query: string;
  histogram: HistogramSpec;
  targetEventsPerSecond: number;
}

/** Folder of the ADL query files, `examples/adl` in the package. */
export function adlExamplesDir(): string {
  return path.join(packageRoot(), 'examples', 'adl');
}

/**
 * Parses a comma-separated task list such as `query-1,query-6-2`. The bare id `query-6` selects
 * both query-6 tasks. Throws RangeError for an unknown id.
 */
export function parseTaskList(text: string): AdlTaskId[] {
  const ids = new Set<AdlTaskId>();
  for (const part of text.split(',').map((item) => item.trim())) {
    if (part === 'query-6') {
      ids.add('query-6-1').add('query-6-2');
    } else if ((ADL_TASK_IDS as readonly string[]).includes(part)) {
      ids.add(part as AdlTaskId);
    } else {
      throw new RangeError(
        `Invalid task '${part}' in '${text}': expected a comma-separated list of ` +
          `${ADL_TASK_IDS.join(', ')} or query-6`,
      );
    }
  }
  return ADL_TASK_IDS.filter((id) => ids.has(id));
}

/**
 * Reads the query files of the given tasks, each with a `# hist: BINS,LOW,HIGH` line. Throws
 * Error naming the file when one is missing or has no valid `# hist:` line.
 */
export async function loadAdlTasks(
  ids: readonly AdlTaskId[],
  dir: string = adlExamplesDir(),
): Promise<AdlTask[]> {
  return Promise.all(ids.map((id) => loadAdlTask(id, dir)));
}

async function loadAdlTask(id: AdlTaskId, dir: string): Promise<AdlTask> {
  const file = path.join(dir, `${id}.py`);
  let query: string;
  try {
    query = await fs.readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`Cannot read the query of ${id} from '${file}' (${reason}); check the path`);
  }

  const histText = histFromQueryFile(query);
  if (histText === undefined) {
    throw new Error(
      `Query file '${file}' has no '# hist: BINS,LOW,HIGH' line; add one such as '# hist: 100,0,2000'`,
    );
  }
  return {
    id,
    file,
    query,
    histogram: parseHistogramSpec(histText),
    targetEventsPerSecond: TARGET_EVENTS_PER_SECOND[id],
  };
}
