import { z } from 'zod';
import { AppError } from '../../../lib/errors/index.js';
import type { RestFamily } from './families.js';

/**
 * How a validation failure reads in each legacy family: seed 000 answers as FastAPI did,
 * `{"detail": [{loc, msg, type}]}`; seeds 003 and 004 list `details.fields` (`{field, message}`).
 * Two sources fail validation: the request itself (its route's schemas, router.ts) and the graph
 * (an input class's rules, lib/graphql/validation.ts), whose field names are GraphQL's.
 */

/** One problem with one part of a request: a zod issue, or the shared rules' own. */
export type Issue = Pick<z.core.$ZodIssue, 'code' | 'path' | 'message'>;

/** A request the route's own declaration refused, before anything ran. */
export function requestValidationError(family: RestFamily, issues: readonly Issue[], where: string): AppError {
  const fields = issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const missing = issues.some((issue) => issue.code === 'invalid_type' && issue.message.includes('undefined'));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  const detail = issues.map((issue) => ({
    loc: [where, ...issue.path.map(String)],
    msg: issue.message,
    type: issue.code,
  }));
  return new AppError('VALIDATION_FAILED', `Invalid request: ${summary}`, {
    details: family === 'internal' ? { detail } : { fields, ...(missing ? { required: true } : {}) },
  });
}

const fieldProblems = z.array(z.object({ field: z.string(), message: z.string() }).loose());

/** The body field a GraphQL input field came from (RouteDeclaration.legacyFieldNames), else itself. */
const legacyName = (field: string, names: Readonly<Record<string, string>>) =>
  Object.hasOwn(names, field) ? names[field]! : field;

/**
 * A validation error of the graph in the terms of the route that sent the operation: its body's
 * field names, in its family's shape. Every other error is left as it is.
 */
export function inLegacyTerms(family: RestFamily, error: unknown, names: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') return error;
  const parsed = fieldProblems.safeParse(error.details['fields']);
  if (family === 'internal') {
    const problems = parsed.success ? parsed.data : [{ field: '', message: error.message }];
    const detail = problems.map((problem) => {
      const name = legacyName(problem.field.replace(/^input\./, ''), names);
      return { loc: name ? ['body', name] : ['body'], msg: problem.message, type: 'value_error' };
    });
    return new AppError('VALIDATION_FAILED', error.message, { details: { detail } });
  }
  // The catalog's message is "<field> <problem>; …": each part's first word is the field.
  const message = error.message
    .split('; ')
    .map((part) => {
      const [first = '', ...rest] = part.split(' ');
      return [legacyName(first, names), ...rest].join(' ');
    })
    .join('; ');
  return new AppError('VALIDATION_FAILED', message, {
    details: {
      ...error.details,
      ...(parsed.success
        ? { fields: parsed.data.map((problem) => ({ ...problem, field: legacyName(problem.field, names) })) }
        : {}),
    },
  });
}
