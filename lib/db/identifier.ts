/** `name` as a PostgreSQL quoted identifier: in double quotes, each double quote in it doubled. */
export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
