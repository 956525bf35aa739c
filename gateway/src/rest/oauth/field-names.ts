import { z } from 'zod';
import { AppError } from '../../../../lib/errors/index.js';

const fieldProblems = z.array(z.object({ field: z.string(), message: z.string() }).loose());

/**
 * A GraphQL validation error names GraphQL arguments (`displayName`, `currentPassword`); a legacy
 * client sent snake_case ones (`full_name`, `current_password`). This renames them in
 * `details.fields` and at the start of each `; `-separated part of the message (the catalog's
 * "<field> <problem>" form), and leaves every other error as it is.
 */
export function withLegacyFieldNames(error: unknown, names: Readonly<Record<string, string>>): unknown {
  if (!(error instanceof AppError) || error.code !== 'VALIDATION_FAILED') return error;
  const rename = (field: string) => (Object.hasOwn(names, field) ? names[field]! : field);
  const parsed = fieldProblems.safeParse(error.details['fields']);
  const message = error.message
    .split('; ')
    .map((part) => {
      const [first = '', ...rest] = part.split(' ');
      return [rename(first), ...rest].join(' ');
    })
    .join('; ');
  return new AppError('VALIDATION_FAILED', message, {
    details: {
      ...error.details,
      ...(parsed.success
        ? { fields: parsed.data.map((problem) => ({ ...problem, field: rename(problem.field) })) }
        : {}),
    },
  });
}
