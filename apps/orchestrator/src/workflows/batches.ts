/**
 * Temporal warns about payloads over 512 KB and refuses them over 2 MB: a batch of results is cut well below
 * the warning, by its JSON size (what the payload converter writes), and at a row count the database takes
 * in one statement.
 */
export const MAX_BATCH_BYTES = 256 * 1024;
export const MAX_BATCH_ITEMS = 500;

/** Takes from the front of `queue` (in place) the longest run of items that fits one batch; at least one. */
export function takeBatch<T>(queue: T[], maxBytes = MAX_BATCH_BYTES, maxItems = MAX_BATCH_ITEMS): T[] {
  let bytes = 0;
  let n = 0;
  while (n < queue.length && n < maxItems) {
    const size = JSON.stringify(queue[n]).length + 1;
    if (n > 0 && bytes + size > maxBytes) break;
    bytes += size;
    n++;
  }
  return queue.splice(0, n);
}
