import { inject } from 'vitest';

/** An S3 endpoint for tests, or the reason why none is available. */
export type S3TestTarget =
  | {
      available: true;
      endpoint: string;
      accessKeyId: string;
      secretAccessKey: string;
      region: string;
      /** Directory of the Ceph cluster that the global setup started; absent for a user endpoint. */
      clusterDir?: string;
    }
  | { available: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    skysiftS3: S3TestTarget;
  }
}

/**
 * Returns the S3 endpoint that `test/setup/ceph-global-setup.ts` provided, or an unavailable
 * target naming the reason when the global setup did not run or could not start Ceph.
 */
export function s3TestTarget(): S3TestTarget {
  const target = inject('skysiftS3') as S3TestTarget | undefined;
  if (target === undefined) {
    return {
      available: false,
      reason:
        'the S3 global setup did not run: add test/setup/ceph-global-setup.ts to globalSetup ' +
        'in vitest.config.ts, or set SKYSIFT_S3_ENDPOINT',
    };
  }
  return target;
}
