import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CorruptItemError,
  ERROR_CODES,
  GENERIC_SERVER_MESSAGE,
  ModelRequestError,
  ModelUnavailableError,
  PromptRenderError,
  PromptUnavailableError,
  UnprocessableError,
} from '../../../functions/shared/errors';
import { errorBodyOf, statusOf } from '../../../functions/shared/http/error-response';

describe('AppError subclasses', () => {
  it('answers a corrupt stored item with a generic 500 that does not name the item', () => {
    const error = new CorruptItemError('TENANT#acme INSIGHT#42 is corrupt: priority must be one of low, high');

    const body = errorBodyOf(error);

    expect(statusOf(error)).toBe(500);
    expect(body).toEqual({ error: { code: 'internal_error', message: GENERIC_SERVER_MESSAGE } });
    expect(error.message).toContain('INSIGHT#42');
  });

  it('gives an unprocessable request the default code and no details when it names no problem', () => {
    const error = new UnprocessableError('Preview is not available', []);

    expect(statusOf(error)).toBe(422);
    expect(errorBodyOf(error)).toEqual({ error: { code: 'unprocessable', message: 'Preview is not available' } });
  });

  it('keeps a custom code and lists the problems of an unprocessable request as details', () => {
    const problems = [{ field: 'variables', message: '{{goals}} is used but not declared' }];

    const body = errorBodyOf(new UnprocessableError('The template is not valid', problems, 'invalid_template'));

    expect(body).toEqual({
      error: { code: 'invalid_template', message: 'The template is not valid', details: { problems } },
    });
  });

  it.each([
    new ModelUnavailableError('ThrottlingException for us.anthropic.claude'),
    new ModelRequestError('AccessDeniedException: arn:aws:iam::123456789012:role/x'),
    new PromptUnavailableError('bucket coaching-prompts-123456789012 unreachable'),
    new PromptRenderError('Cannot render insights_generation v1.0', ['goals has no value']),
    new CorruptItemError('TENANT#acme is corrupt'),
  ])('marks %p as not for the caller’s eyes', (error) => {
    expect(error.expose).toBe(false);
    expect(errorBodyOf(error).error.message).not.toBe(error.message);
  });
});

describe('ERROR_CODES', () => {
  it("is the README's error table, code for code and status for status", () => {
    const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| (\d{3}) +\| `([a-z_]+)` +\|/gm)].map(([, status, code]) => [
      code,
      Number(status),
    ]);

    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status])),
    );
    expect(rows).toHaveLength(Object.keys(ERROR_CODES).length);
  });

  it('gives each error the status of its code', () => {
    expect(statusOf(new UnprocessableError('not yet', [], 'not_ready'))).toBe(422);
    expect(statusOf(new ModelUnavailableError('throttled'))).toBe(503);
  });
});
