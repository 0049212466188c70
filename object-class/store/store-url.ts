import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Location of a store's objects: an S3 bucket and key prefix, or a local directory. */
export type StoreLocation =
  { kind: 's3'; bucket: string; prefix: string } | { kind: 'file'; dir: string };

const SCHEME_PATTERN = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

// S3 bucket naming rules: 3 to 63 characters of lowercase letters, digits, dots and hyphens,
// starting and ending with a letter or digit.
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const STORE_URL_FORMS = 's3://BUCKET[/PREFIX], file:///ABSOLUTE/DIR or a directory path';

/**
 * Parses a store URL: `s3://BUCKET[/PREFIX]`, `file:///DIR` (also `file://localhost/DIR`), or a
 * bare directory path, which is resolved against the current directory. A returned S3 prefix has
 * no leading or trailing slash and is empty when the URL names only the bucket.
 * Throws TypeError for any other form.
 *
 * @example
 * parseStoreUrl('s3://skysift-data/datasets'); // { kind: 's3', bucket: 'skysift-data', prefix: 'datasets' }
 * parseStoreUrl('file:///var/lib/skysift'); // { kind: 'file', dir: '/var/lib/skysift' }
 */
export function parseStoreUrl(url: string): StoreLocation {
  if (url.trim() === '') {
    throw new TypeError(`Invalid store URL '${url}': expected ${STORE_URL_FORMS}`);
  }

  const scheme = SCHEME_PATTERN.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined || isWindowsDrive(url)) {
    return { kind: 'file', dir: path.resolve(url) };
  }
  if (scheme === 's3') {
    return parseS3Url(url);
  }
  if (scheme === 'file') {
    return { kind: 'file', dir: parseFileUrl(url) };
  }
  throw new TypeError(
    `Unsupported store URL scheme '${scheme}:' in '${url}': expected ${STORE_URL_FORMS}`,
  );
}

function isWindowsDrive(url: string): boolean {
  return /^[a-zA-Z]:[\\/]/.test(url);
}

function parseS3Url(url: string): StoreLocation {
  const match = /^s3:\/\/([^/?#]*)(\/[^?#]*)?$/i.exec(url);
  if (match === null) {
    throw new TypeError(
      `Invalid S3 store URL '${url}': expected s3://BUCKET[/PREFIX] without query or fragment`,
    );
  }

  const bucket = match[1] ?? '';
  if (!BUCKET_PATTERN.test(bucket) || bucket.includes('..')) {
    throw new TypeError(
      `Invalid bucket name '${bucket}' in store URL '${url}': expected 3 to 63 lowercase ` +
        'letters, digits, dots or hyphens, starting and ending with a letter or digit',
    );
  }

  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix.includes('//')) {
    throw new TypeError(
      `Invalid key prefix '${prefix}' in store URL '${url}': expected no empty path segments`,
    );
  }
  return { kind: 's3', bucket, prefix };
}

function parseFileUrl(url: string): string {
  try {
    return fileURLToPath(url);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TypeError(
      `Invalid file store URL '${url}': expected file:///ABSOLUTE/DIR or a bare directory ` +
        `path (${reason})`,
    );
  }
}
