/**
 * An ILIKE pattern that matches `text` anywhere, with `%`, `_` and `\` in it taken literally (a
 * search for "50%" must not match everything).
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
