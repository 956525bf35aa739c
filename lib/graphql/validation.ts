import './defer-phone-numbers.js';
import { validate, type ValidationError } from 'class-validator';
import type { ValidatorFn } from 'type-graphql';
import { AppError } from '../errors/index.js';

function flatten(errors: readonly ValidationError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Runs the class-validator rules of input classes and turns failures into the catalog's
 * VALIDATION_FAILED, listing fields and reasons but never the submitted values (passwords).
 */
export const validateInput: ValidatorFn = async (value) => {
  // Input classes (type-graphql builds instances of them) carry class-validator rules; plain values do not.
  const instances = (Array.isArray(value) ? (value as unknown[]) : [value]).filter(
    (item): item is object =>
      typeof item === 'object' && item !== null && Object.getPrototypeOf(item) !== Object.prototype,
  );
  for (const instance of instances) {
    const errors = await validate(instance, {
      forbidUnknownValues: false,
      validationError: { target: false, value: false },
    });
    if (errors.length > 0) {
      const fields = flatten(errors);
      throw new AppError('VALIDATION_FAILED', fields.map((f) => `${f.field} ${f.message}`).join('; '), {
        details: { fields },
      });
    }
  }
};
