import { containsPattern } from '../../../../lib/db/like.js';
import { AppError } from '../../../../lib/errors/index.js';

export const NAME_MAX = 200;
export const PAGE_MAX = 1000;
export const KEYWORD_MAX = 200;

/** Trimmed, 1 to 200 characters counted as code points (CJK or emoji names are not charged double). */
export function checkName(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  if (length < 1 || length > NAME_MAX) throw invalid('name', `must be 1 to ${NAME_MAX} characters`);
  return name;
}

export interface Paging {
  readonly limit: number;
  readonly offset: number;
}

export function checkPaging(paging: Paging): Paging {
  const { limit, offset } = paging;
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX)
    throw invalid('limit', `must be between 1 and ${PAGE_MAX}`);
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', 'must be 0 or more');
  return paging;
}

/** An ILIKE pattern matching the keyword anywhere, or undefined for no filter. */
export function keywordPattern(keyword: string | null | undefined): string | undefined {
  const text = keyword?.trim();
  if (!text) return undefined;
  if (text.length > KEYWORD_MAX) throw invalid('keyword', `must be at most ${KEYWORD_MAX} characters`);
  return containsPattern(text);
}

export function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field} ${message}`, { details: { fields: [{ field, message }] } });
}
