import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { parseStoreUrl } from '../../object-class/store/store-url.js';

describe('parseStoreUrl', () => {
  it.each([
    ['s3://skysift-data', { kind: 's3', bucket: 'skysift-data', prefix: '' }],
    ['s3://skysift-data/', { kind: 's3', bucket: 'skysift-data', prefix: '' }],
    ['s3://skysift-data/datasets', { kind: 's3', bucket: 'skysift-data', prefix: 'datasets' }],
    ['s3://bucket.v2/a/b/c/', { kind: 's3', bucket: 'bucket.v2', prefix: 'a/b/c' }],
    ['S3://abc/x', { kind: 's3', bucket: 'abc', prefix: 'x' }],
    ['file:///var/lib/skysift', { kind: 'file', dir: '/var/lib/skysift' }],
    ['file://localhost/srv/data', { kind: 'file', dir: '/srv/data' }],
    ['file:///tmp/with%20space', { kind: 'file', dir: '/tmp/with space' }],
    ['/data/objects', { kind: 'file', dir: '/data/objects' }],
    ['/data/objects/', { kind: 'file', dir: '/data/objects' }],
    ['relative/dir', { kind: 'file', dir: path.resolve('relative/dir') }],
    ['./here', { kind: 'file', dir: path.resolve('here') }],
  ])('parses %s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each([
    ['', /Invalid store URL ''/],
    ['   ', /Invalid store URL/],
    ['s3://', /Invalid bucket name ''/],
    ['s3:///prefix', /Invalid bucket name ''/],
    ['s3://ab', /Invalid bucket name 'ab'/],
    ['s3://Upper-Case', /Invalid bucket name 'Upper-Case'/],
    ['s3://bad_bucket/x', /Invalid bucket name 'bad_bucket'/],
    ['s3://-dash/x', /Invalid bucket name '-dash'/],
    ['s3://a..b/x', /Invalid bucket name 'a..b'/],
    ['s3://bucket/a//b', /Invalid key prefix 'a\/\/b'/],
    ['s3://bucket/x?versionId=1', /without query or fragment/],
    ['s3:bucket', /Invalid S3 store URL 's3:bucket'/],
    ['gs://bucket/x', /Unsupported store URL scheme 'gs:'/],
    ['http://127.0.0.1:9000/bucket', /Unsupported store URL scheme 'http:'/],
    ['file://remote-host/data', /Invalid file store URL 'file:\/\/remote-host\/data'/],
  ])('rejects %j', (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(TypeError);
    expect(() => parseStoreUrl(url)).toThrow(message);
  });
});
