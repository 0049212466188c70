import { tableFromIPC, tableToIPC } from 'apache-arrow';

/**
 * Splits an Arrow IPC stream by rows into complete IPC streams of at most `maxBytes` each, so that
 * each fits in one gRPC message. A stream within the limit is returned as it is. Pieces are halved
 * until they fit, so a single row larger than `maxBytes` stays one piece over the limit.
 */
export function splitArrowIpc(ipc: Uint8Array, maxBytes: number): Uint8Array[] {
  if (ipc.length <= maxBytes) return [ipc];

  const table = tableFromIPC(ipc);
  const pieces: Uint8Array[] = [];
  const pending = [{ offset: 0, length: table.numRows }];
  while (pending.length > 0) {
    const { offset, length } = pending.shift() as { offset: number; length: number };
    const bytes = tableToIPC(table.slice(offset, offset + length), 'stream');
    if (bytes.length <= maxBytes || length <= 1) {
      pieces.push(bytes);
      continue;
    }
    const half = Math.ceil(length / 2);
    pending.unshift({ offset, length: half }, { offset: offset + half, length: length - half });
  }
  return pieces;
}
