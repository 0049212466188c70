/** The pushdown summary that ends every query. */
export interface QuerySummary {
  requestId: string;
  dataset: string;
  objectsTotal: number;
  objectsScanned: number;
  /** Objects whose column statistics proved that no event could match the selection. */
  objectsSkipped: number;
  /** Scans per storage node. */
  objectsPerNode: Record<string, number>;
  /** Scan attempts that failed and were tried again. */
  retries: number;
  eventsScanned: number;
  eventsSelected: number;
  /** Bytes the storage nodes fetched from the object store. */
  bytesReadAtNodes: number;
  /** Bytes the storage nodes sent to the transformer. */
  bytesSentByNodes: number;
  /** Bytes of result the transformer sent to the client. */
  bytesSentToClient: number;
  elapsedMs: number;
}

/** Creates an empty summary for a query. */
export function emptySummary(requestId: string, dataset: string): QuerySummary {
  return {
    requestId,
    dataset,
    objectsTotal: 0,
    objectsScanned: 0,
    objectsSkipped: 0,
    objectsPerNode: {},
    retries: 0,
    eventsScanned: 0,
    eventsSelected: 0,
    bytesReadAtNodes: 0,
    bytesSentByNodes: 0,
    bytesSentToClient: 0,
    elapsedMs: 0,
  };
}

/** Renders a summary as the few lines the command line prints under a result. */
export function formatSummary(summary: QuerySummary): string {
  const nodes = Object.entries(summary.objectsPerNode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, count]) => `${node}: ${count}`)
    .join(', ');
  const ratio =
    summary.bytesReadAtNodes > 0
      ? ` (${((100 * summary.bytesSentToClient) / summary.bytesReadAtNodes).toFixed(4)}% of bytes read)`
      : '';
  return [
    `objects: ${summary.objectsScanned} scanned, ${summary.objectsSkipped} skipped of ${summary.objectsTotal}` +
      (summary.retries > 0 ? `, ${summary.retries} retried` : '') +
      ` [${nodes}]`,
    `events: ${summary.eventsScanned} scanned, ${summary.eventsSelected} selected`,
    `bytes: ${summary.bytesReadAtNodes} read at nodes, ${summary.bytesSentToClient} sent to client${ratio}`,
    `time: ${summary.elapsedMs} ms`,
  ].join('\n');
}
