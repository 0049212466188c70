import { S3Client } from '@aws-sdk/client-s3';

import { S3StoreError } from './s3-errors.js';

const CONNECT_TIMEOUT_MS = 5_000;

/** S3 access keys. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Connection settings of {@link createS3Client}; unset fields come from the environment. */
export interface S3ClientOptions {
  /** S3 endpoint URL such as `http://127.0.0.1:7480`; `AWS_ENDPOINT_URL` by default. */
  endpoint?: string;

  /** Access keys; `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` by default. */
  credentials?: S3Credentials;

  /** Signing region; `AWS_REGION`, else `us-east-1`. */
  region?: string;
}

/**
 * Creates an SDK client for an S3-compatible server with path-style addressing, checksums only
 * where the API requires them, and no SDK-level retries. Throws `S3StoreError` when no endpoint or
 * no credentials are configured: the client never falls back to AWS's public endpoints or to the
 * SDK's credential chain, which would query the instance metadata address.
 */
export function createS3Client(
  options: S3ClientOptions,
  store: string,
): { client: S3Client; endpoint: string } {
  const endpoint = resolveEndpoint(options.endpoint, store);
  const client = new S3Client({
    endpoint,
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    credentials: resolveCredentials(options.credentials, store),
    forcePathStyle: true,
    // Ceph 16 rejects streamed PUTs that carry the SDK's default checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // The caller retries, so that each retry is logged and counted.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS },
  });
  return { client, endpoint };
}

function resolveEndpoint(option: string | undefined, store: string): string {
  const endpoint = option ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint === undefined || endpoint === '') {
    throw new S3StoreError(
      'S3_ENDPOINT_MISSING',
      `No S3 endpoint configured for ${store}: pass the endpoint option or set AWS_ENDPOINT_URL ` +
        '(for example http://127.0.0.1:9000)',
    );
  }
  if (!/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new TypeError(
      `Invalid S3 endpoint '${endpoint}': expected an http:// or https:// URL such as ` +
        'http://127.0.0.1:9000',
    );
  }
  return endpoint;
}

function resolveCredentials(option: S3Credentials | undefined, store: string): S3Credentials {
  if (option !== undefined) return option;

  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new S3StoreError(
      'S3_CREDENTIALS_MISSING',
      `No S3 credentials configured for ${store}: set AWS_ACCESS_KEY_ID and ` +
        'AWS_SECRET_ACCESS_KEY, or pass the credentials option',
    );
  }

  const sessionToken = process.env.AWS_SESSION_TOKEN;
  return sessionToken
    ? { accessKeyId, secretAccessKey, sessionToken }
    : { accessKeyId, secretAccessKey };
}
