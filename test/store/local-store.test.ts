import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { ObjectExistsError, ObjectNotFoundError } from '../../object-class/store/object-store.js';

let dir: string;
let store: LocalObjectStore;
const bytes = (text: string) => new TextEncoder().encode(text);

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-local-'));
  store = new LocalObjectStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalObjectStore', () => {
  it('reads back what it wrote', async () => {
    await store.put('a/b/c.bin', bytes('hello world'));
    expect(new TextDecoder().decode(await store.get('a/b/c.bin'))).toBe('hello world');
    expect(await store.head('a/b/c.bin')).toEqual({ size: 11 });
  });

  it('reads byte ranges', async () => {
    await store.put('k', bytes('0123456789'));
    expect(new TextDecoder().decode(await store.getRange('k', 0, 3))).toBe('012');
    expect(new TextDecoder().decode(await store.getRange('k', 7, 3))).toBe('789');
    await expect(store.getRange('k', 8, 3)).rejects.toThrow(
      "Range 8+3 of object 'k' runs past its end at byte 10",
    );
    await expect(store.getRange('k', -1, 3)).rejects.toThrow(RangeError);
  });

  it('reports missing keys', async () => {
    await expect(store.get('nope')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.getRange('nope', 0, 1)).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.head('nope')).toBeNull();
  });

  it('creates only once with ifNoneMatch', async () => {
    await store.put('m', bytes('first'), { ifNoneMatch: true });
    await expect(store.put('m', bytes('second'), { ifNoneMatch: true })).rejects.toBeInstanceOf(
      ObjectExistsError,
    );
    expect(new TextDecoder().decode(await store.get('m'))).toBe('first');
  });

  it('lets exactly one racing create win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.put('race', bytes(`w${i}`), { ifNoneMatch: true }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('lists keys under a prefix in order and leaves no temporary files', async () => {
    await store.put('p/2', bytes('x'));
    await store.put('p/1', bytes('x'));
    await store.put('q/1', bytes('x'));
    expect(await store.list('p/')).toEqual(['p/1', 'p/2']);
    expect(await store.list('')).toEqual(['p/1', 'p/2', 'q/1']);
  });

  it('deletes keys and ignores missing ones', async () => {
    await store.put('d/1', bytes('x'));
    await store.delete(['d/1', 'd/2']);
    expect(await store.list('d/')).toEqual([]);
  });

  it('rejects keys that escape the root', async () => {
    for (const key of ['../x', 'a/../../x', '/abs', 'a//b', '', 'a\\b']) {
      await expect(store.get(key), key).rejects.toThrow(/Invalid object key/);
    }
  });
});
