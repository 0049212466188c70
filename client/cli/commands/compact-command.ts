import { parseArgs } from 'node:util';
import { compactDataset } from '../../../object-class/dataset/compact-dataset.js';
import { validateDatasetName } from '../../../object-class/dataset/manifest.js';
import { CliError } from '../cli-error.js';
import { openStore, STORE_OPTIONS } from '../store-options.js';
import { parseCount, plural } from './ingest-command.js';

export const COMPACT_USAGE = `skysift compact --dataset NAME [options]

Rewrites each run of consecutive row objects of a dataset (written by 'skysift ingest --format
rows') as Arrow IPC objects at the same position, so event order is unchanged, and publishes a new
manifest version. The row objects are deleted once that version is published.

  --dataset NAME            dataset to compact (required)
  --events-per-object N     events per new Arrow object (default 100000)
  --batch-events N          events per Arrow record batch inside an object (default 65536)
  --compression C           object body compression: none, lz4 or zstd (default none)
  --replicas N              nodes that can serve each new object (default: as many as the row
                            objects had)
  --home DIR                home directory of the embedded default (default $SKYSIFT_HOME or ~/.skysift)
  --store URL               object store: DIR, file://DIR or s3://BUCKET[/PREFIX]
  --s3-endpoint URL         S3 endpoint (default $AWS_ENDPOINT_URL)`;

/** Runs `skysift compact`. */
export async function compactCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      dataset: { type: 'string' },
      'events-per-object': { type: 'string' },
      'batch-events': { type: 'string' },
      compression: { type: 'string' },
      replicas: { type: 'string' },
      ...STORE_OPTIONS,
    },
  });
  if (values.dataset === undefined) {
    throw new CliError('Missing --dataset NAME: name the dataset to compact');
  }
  validateDatasetName(values.dataset);
  const compression = values.compression;
  if (compression !== undefined && !['none', 'lz4', 'zstd'].includes(compression)) {
    throw new CliError(`Invalid --compression value '${compression}': expected none, lz4 or zstd`);
  }

  const store = openStore(values);
  try {
    const result = await compactDataset(store, values.dataset, {
      eventsPerObject: parseCount('--events-per-object', values['events-per-object']),
      batchEvents: parseCount('--batch-events', values['batch-events']),
      compression: compression as 'none' | 'lz4' | 'zstd' | undefined,
      replicas: parseCount('--replicas', values.replicas),
    });
    const { manifest } = result;
    if (result.rowObjectsReplaced === 0) {
      console.log(
        `Dataset '${values.dataset}' has no row objects to compact (manifest version ${manifest.version})`,
      );
      return;
    }
    console.log(
      `Compacted dataset '${values.dataset}' in ${store.description}: replaced ` +
        `${plural(result.rowObjectsReplaced, 'row object')} by ` +
        `${plural(result.arrowObjectsWritten, 'Arrow object')}; now ${manifest.eventCount} events ` +
        `in ${plural(manifest.objects.length, 'object')}, manifest version ${manifest.version}`,
    );
  } finally {
    await store.close();
  }
}
