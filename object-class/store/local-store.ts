import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  type ObjectStore,
  type PutOptions,
} from './object-store.js';

const TEMP_SUFFIX = '.partial';

/**
 * An object store in a local directory: the embedded default. Each key is a file below the root.
 * Writes go to a temporary file that is then renamed (or hard-linked, for create-only writes)
 * into place, so a reader never sees a partly written object.
 */
export class LocalObjectStore implements ObjectStore {
  readonly description: string;
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.description = `file://${this.root}`;
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await fs.readFile(this.pathOf(key)));
    } catch (error) {
      throw this.translate(error, key);
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(key, offset, length);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(this.pathOf(key), 'r');
      const bytes = new Uint8Array(length);
      const { bytesRead } = await handle.read(bytes, 0, length, offset);
      if (bytesRead !== length) {
        throw new RangeError(
          `Range ${offset}+${length} of object '${key}' runs past its end at byte ${offset + bytesRead}`,
        );
      }
      return bytes;
    } catch (error) {
      throw this.translate(error, key);
    } finally {
      await handle?.close();
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    try {
      const stat = await fs.stat(this.pathOf(key));
      return { size: stat.size };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<void> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    await fs.writeFile(temp, body, { flush: true });
    try {
      if (options.ifNoneMatch) {
        // link() fails with EEXIST when the target exists: an atomic create-only publish.
        await fs.link(temp, target);
      } else {
        await fs.rename(temp, target);
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new ObjectExistsError(key, this.description);
      }
      throw error;
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    await this.walk(this.root, '', keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) await fs.rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}

  private async walk(dir: string, relative: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const key = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.walk(path.join(dir, entry.name), key, keys);
      else if (entry.isFile() && !entry.name.endsWith(TEMP_SUFFIX)) keys.push(key);
    }
  }

  private pathOf(key: string): string {
    validateKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private translate(error: unknown, key: string): unknown {
    return isNotFound(error) ? new ObjectNotFoundError(key, this.description) : error;
  }
}

/** Rejects keys that could escape the store's root or name a directory. */
export function validateKey(key: string): void {
  const segments = key.split('/');
  const bad = segments.find((s) => s === '' || s === '.' || s === '..' || s.includes('\0'));
  if (key.length === 0 || bad !== undefined || key.includes('\\')) {
    throw new TypeError(
      `Invalid object key '${key}': expected '/'-separated names without empty, '.' or '..' segments`,
    );
  }
}

function checkRange(key: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(
      `Invalid range ${offset}+${length} for object '${key}': expected non-negative integers`,
    );
  }
}

function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
