import { SkysiftClient } from '../client/skysift-client.js';
import type { HistogramPartial } from '../object-class/kernels/plan.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import { startEmbeddedCluster } from '../server/embedded-cluster.js';
import type { QuerySummary } from '../transformers/service/query-summary.js';
import type { AdlTask } from './adl-tasks.js';
import { asHistogram } from './compare-histograms.js';

/** One end-to-end measurement of a task: client to transformer to storage nodes and back. */
export interface EndToEndMeasurement {
  histogram: HistogramPartial;
  /** Best wall time seen by the client over the timed runs. */
  seconds: number;
  eventsPerSecond: number;
  /** The summary of the fastest run. */
  summary: QuerySummary;
}

/**
 * Starts an embedded cluster of `nodes` storage nodes over `store`, runs `work` with a client
 * connected to its transformer, and stops the cluster whatever `work` does.
 */
export async function withCluster<T>(
  store: ObjectStore,
  nodes: number,
  work: (client: SkysiftClient) => Promise<T>,
): Promise<T> {
  const cluster = await startEmbeddedCluster({ store, nodes });
  const client = new SkysiftClient(cluster.endpoint);
  try {
    return await work(client);
  } finally {
    client.close();
    await cluster.close();
  }
}

/** Runs a task's query as a histogram `repetitions` times through the cluster; keeps the fastest. */
export async function measureEndToEnd(
  client: SkysiftClient,
  dataset: string,
  task: AdlTask,
  repetitions: number,
): Promise<EndToEndMeasurement> {
  let best: EndToEndMeasurement | undefined;
  for (let run = 0; run < repetitions; run++) {
    const started = performance.now();
    const result = await client.query({
      dataset,
      query: task.query,
      output: { kind: 'histogram', ...task.histogram },
    });
    const seconds = (performance.now() - started) / 1000;
    if (best === undefined || seconds < best.seconds) {
      const histogram = asHistogram(result.aggregate, `The query of ${task.id}`);
      const eventsPerSecond = result.summary.eventsScanned / seconds;
      best = { histogram, seconds, eventsPerSecond, summary: result.summary };
    }
  }
  if (best === undefined) {
    throw new RangeError(`Invalid repetitions ${repetitions}: expected a positive integer`);
  }
  return best;
}
