import { z } from 'zod';

/**
 * GraphQL's Int is a signed 32-bit integer: a page or offset beyond it could never be passed on to
 * the operation (which would refuse the variable), so the query string is refused here instead.
 */
export const GRAPHQL_INT_MAX = 2_147_483_647;

/** seed 004's 1-based `page`. */
export const pageNumber = () => z.coerce.number().int().min(1).max(GRAPHQL_INT_MAX).default(1);
