import { GraphQLError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { AppError, ERROR_REASONS, formatError } from '../errors.js';

const pgError = (code: string) => new GraphQLError('boom', { originalError: Object.assign(new Error('pg'), { driverError: { code } }) });

describe('formatError', () => {
  it('maps every PostgreSQL data exception (class 22) to BAD_USER_INPUT, without logging it', () => {
    const log = vi.fn();
    // invalid time zone displacement, interval field overflow, invalid regular expression, array subscript
    for (const code of ['22009', '22015', '2201B', '2202E', '22P02']) {
      expect(formatError(pgError(code).toJSON(), pgError(code), log).extensions).toEqual({ code: 'BAD_USER_INPUT' });
    }
    expect(log).not.toHaveBeenCalled();
  });

  it("maps Apollo's refusals of the request itself (a 4xx status, no code) to BAD_USER_INPUT, without logging them", () => {
    const log = vi.fn();
    const error = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    const formatted = { message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } };
    expect(formatError(formatted, error, log)).toEqual({
      message: error.message,
      extensions: { code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' },
    });
    expect(log).not.toHaveBeenCalled();
  });

  it('still hides and logs what is unexpected', () => {
    const log = vi.fn();
    expect(formatError({ message: 'secret detail' }, new Error('secret detail'), log)).toEqual({
      message: 'internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(log).toHaveBeenCalledOnce();
  });

  it('a unique value taken is CONFLICT with reason DUPLICATE, as when a service finds it first', () => {
    expect(formatError(pgError('23505').toJSON(), pgError('23505'), vi.fn()).extensions).toEqual({ code: 'CONFLICT', reason: 'DUPLICATE' });
    expect(ERROR_REASONS.DUPLICATE).toBe('CONFLICT');
  });
});

describe('reasons', () => {
  it('each comes under one code: an error that pairs a reason with another code fails where it is made', () => {
    expect(() => new AppError('BAD_USER_INPUT', 'taken', { reason: 'DUPLICATE' })).toThrow(/DUPLICATE comes under CONFLICT/);
    expect(new AppError('CONFLICT', 'taken', { reason: 'DUPLICATE' }).extensions).toEqual({ code: 'CONFLICT', reason: 'DUPLICATE' });
  });
});
