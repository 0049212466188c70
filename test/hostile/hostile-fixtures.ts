import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Field, Float64, Int32, List, Table, vectorFromArray } from 'apache-arrow';
import { appendTable } from '../../object-class/dataset/append-table.js';
import type { Manifest } from '../../object-class/dataset/manifest.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { CHANNEL_OPTIONS, objectClassService } from '../../server/rpc/protos.js';

/** Node ids the hostile tests place objects on. */
export const NODE_IDS = ['node-1', 'node-2'];

/**
 * Builds `count` events with a float MET, an int jet count and a list of jet pTs. Event `i` has
 * `MET_pt = i + 0.5` and `i % 4` jets of pT 10, 20, 30.
 */
export function makeEvents(count: number): Table {
  const jets = Array.from({ length: count }, (_, i) =>
    Array.from({ length: i % 4 }, (_, j) => 10 * (j + 1)),
  );
  return new Table({
    MET_pt: vectorFromArray(
      Array.from({ length: count }, (_, i) => i + 0.5),
      new Float64(),
    ),
    nJet: vectorFromArray(
      jets.map((list) => list.length),
      new Int32(),
    ),
    Jet_pt: vectorFromArray(jets, new List(new Field('item', new Float64(), false))),
  });
}

/** A temporary local store holding dataset `events`, removed by `remove()`. */
export interface TempStore {
  home: string;
  store: LocalObjectStore;
  manifest: Manifest;
  remove(): void;
}

/** Creates a temporary store with `events` events in dataset `events`, `perObject` per object. */
export async function makeTempStore(events = 40, perObject = 10): Promise<TempStore> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'skysift-hostile-'));
  const store = new LocalObjectStore(home);
  const manifest = await appendTable(store, 'events', [makeEvents(events)], {
    eventsPerObject: perObject,
    nodes: NODE_IDS,
  });
  return { home, store, manifest, remove: () => rmSync(home, { recursive: true, force: true }) };
}

/** The outcome of one raw `Scan` call: the status and details, and the messages received. */
export interface ScanOutcome {
  code: grpc.status;
  details: string;
  messages: Record<string, unknown>[];
}

type ObjectClassStub = grpc.Client & {
  Scan(request: object, options: grpc.CallOptions): grpc.ClientReadableStream<object>;
};

/** Opens a raw object-class client on `address`, as any gRPC peer could. */
export function objectClassClient(address: string): ObjectClassStub {
  const Ctor = objectClassService();
  return new Ctor(
    address,
    grpc.credentials.createInsecure(),
    CHANNEL_OPTIONS,
  ) as unknown as ObjectClassStub;
}

const SCAN_DEADLINE_MS = 20_000;

/** Sends one `Scan` request as given and collects its outcome; never rejects. */
export function rawScan(client: ObjectClassStub, request: object): Promise<ScanOutcome> {
  return new Promise((resolve) => {
    const call = client.Scan(request, { deadline: Date.now() + SCAN_DEADLINE_MS });
    const messages: Record<string, unknown>[] = [];
    call.on('data', (message: Record<string, unknown>) => messages.push(message));
    call.on('error', (error: grpc.ServiceError) =>
      resolve({ code: error.code, details: error.details, messages }),
    );
    call.on('end', () => resolve({ code: grpc.status.OK, details: '', messages }));
  });
}
