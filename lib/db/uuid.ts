const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether an id from a client can name a row at all. Checked before a query: PostgreSQL refuses a
 * malformed value for a uuid column with an error, where the caller should simply find nothing.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
