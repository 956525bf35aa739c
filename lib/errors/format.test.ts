import { DriverException } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { AppError } from './catalog.js';
import { formatGraphQLError } from './format.js';

describe('GraphQL error formatting', () => {
  it('keeps catalog errors with code, HTTP status and details only', () => {
    const error = new AppError('OTP_COOLDOWN', undefined, { details: { retryAfterSeconds: 30 } });
    const formatted = formatGraphQLError({
      ...error.toJSON(),
      extensions: { ...error.extensions, stacktrace: ['at secret.ts:1'], response: { body: 'downstream' } },
    });
    expect(formatted).toEqual({
      message: 'A code was sent recently; wait before asking again',
      extensions: { code: 'OTP_COOLDOWN', http: { status: 429 }, details: { retryAfterSeconds: 30 } },
    });
  });

  it('masks anything else as INTERNAL, with nothing of its own', () => {
    const leak = new GraphQLError('duplicate key value violates unique constraint "user_account_email_unique"', {
      path: ['register'],
    });
    expect(formatGraphQLError(leak.toJSON())).toEqual({
      message: 'Internal error',
      path: ['register'],
      extensions: { code: 'INTERNAL', http: { status: 500 } },
    });
  });

  it('masks a database failure as DATABASE_ERROR, also when wrapped, with nothing of its own', () => {
    const failures = [
      new DriverException(new Error('relation "member_profile" does not exist')),
      new pg.DatabaseError('connection terminated', 0, 'error'),
      new Error('while saving', { cause: new DriverException(new Error('deadlock detected')) }),
    ];
    for (const failure of failures) {
      const raised = new GraphQLError(failure.message, { path: ['me'], originalError: failure });
      expect(formatGraphQLError(raised.toJSON(), raised)).toEqual({
        message: 'A database error occurred',
        path: ['me'],
        extensions: { code: 'DATABASE_ERROR', http: { status: 500 } },
      });
    }
    const bug = new GraphQLError('x is undefined', { originalError: new TypeError('x is undefined') });
    expect(formatGraphQLError(bug.toJSON(), bug).extensions).toEqual({ code: 'INTERNAL', http: { status: 500 } });
  });

  it('passes request errors through without echoing submitted values', () => {
    const formatted = formatGraphQLError({
      message: 'Argument Validation Error',
      extensions: {
        code: 'BAD_USER_INPUT',
        validationErrors: [{ property: 'password', value: 'hunter2', constraints: { minLength: 'too short' } }],
      },
    });
    expect(formatted.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      http: { status: 400 },
      validationErrors: [{ property: 'password', constraints: { minLength: 'too short' } }],
    });
  });
});
