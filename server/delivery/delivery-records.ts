import type { ObjectStore } from '../../object-class/store/object-store.js';
import {
  DELIVERIES_PREFIX,
  isFinished,
  requestStateKey,
  type DeliveryRecord,
} from './delivery-record.js';

/** Message of requests that a previous server process left unfinished. */
export const INTERRUPTED_MESSAGE =
  'The delivery server stopped before the request finished; submit it again';

/**
 * The delivery requests of a server: kept in memory and persisted as
 * `deliveries/ID/request.json` in the store, so that a restarted server lists past requests.
 * Writes of one record are serialized, so the stored state is never older than an earlier write.
 */
export class DeliveryRecords {
  private readonly records = new Map<string, DeliveryRecord>();
  private readonly pendingWrites = new Map<string, Promise<void>>();

  constructor(private readonly store: ObjectStore) {}

  /**
   * Reads every persisted request. A request found `Submitted` or `Running` belongs to a server
   * that stopped without finishing it: it is marked `Failed` and written back. Returns the ids of
   * those requests, and the keys of state files that are not valid JSON records (skipped).
   */
  async load(): Promise<{ interrupted: string[]; unreadable: string[] }> {
    const keys = await this.store.list(DELIVERIES_PREFIX);
    const interrupted: string[] = [];
    const unreadable: string[] = [];
    for (const key of keys.filter((k) => /^deliveries\/[^/]+\/request\.json$/.test(k))) {
      const record = parseRecord(await this.store.get(key));
      if (record === undefined) {
        unreadable.push(key);
        continue;
      }
      this.records.set(record.requestId, record);
      if (isFinished(record.status)) continue;

      record.status = 'Failed';
      record.errorMessage = INTERRUPTED_MESSAGE;
      record.filesFailed = record.totalFiles - record.filesCompleted;
      record.finishTime = new Date().toISOString();
      interrupted.push(record.requestId);
      await this.save(record);
    }
    return { interrupted, unreadable };
  }

  /** Returns a request by id, or undefined. */
  get(requestId: string): DeliveryRecord | undefined {
    return this.records.get(requestId);
  }

  /** Returns every request, oldest submission first. */
  list(): DeliveryRecord[] {
    return [...this.records.values()].sort((a, b) => a.submitTime.localeCompare(b.submitTime));
  }

  /** Returns the newest request with this cache key that is not failed or canceled. */
  findReusable(cacheKey: string): DeliveryRecord | undefined {
    return this.list()
      .reverse()
      .find((r) => r.cacheKey === cacheKey && r.status !== 'Failed' && r.status !== 'Canceled');
  }

  /** Adds or replaces a record in memory and writes it to the store. */
  save(record: DeliveryRecord): Promise<void> {
    this.records.set(record.requestId, record);
    const body = new TextEncoder().encode(JSON.stringify(record, null, 2));
    const previous = this.pendingWrites.get(record.requestId) ?? Promise.resolve();
    const write = previous.then(() => this.store.put(requestStateKey(record.requestId), body));
    const settled = write.catch(() => undefined);
    this.pendingWrites.set(record.requestId, settled);
    void settled.then(() => {
      if (this.pendingWrites.get(record.requestId) === settled) {
        this.pendingWrites.delete(record.requestId);
      }
    });
    return write;
  }

  /** Waits for every write in flight. */
  async flush(): Promise<void> {
    await Promise.all(this.pendingWrites.values());
  }
}

function parseRecord(bytes: Uint8Array): DeliveryRecord | undefined {
  try {
    const record = JSON.parse(new TextDecoder().decode(bytes)) as DeliveryRecord;
    const valid = typeof record?.requestId === 'string' && Array.isArray(record.files);
    return valid ? record : undefined;
  } catch {
    return undefined;
  }
}
