import { errorBodySchema, errorResponse } from '../../../../functions/shared/http/error-response';
import {
  ConflictError,
  ModelRequestError,
  ModelUnavailableError,
  NotFoundError,
  PromptRenderError,
  PromptUnavailableError,
  RateLimitedError,
  ServiceBusyError,
  UnprocessableError,
  UpstreamUnavailableError,
  UsageLimitExceededError,
  ValidationError,
} from '../../../../functions/shared/errors';

const bodyOf = (error: unknown) => JSON.parse(errorResponse(error, 'corr-1').body as string);

describe('errorResponse', () => {
  it.each([
    [new ValidationError('bad'), 400, 'validation_error'],
    [new NotFoundError('gone'), 404, 'not_found'],
    [new ConflictError('raced'), 409, 'conflict'],
    [new RateLimitedError('slow down', 30), 429, 'rate_limited'],
    [new UpstreamUnavailableError('none answered'), 502, 'upstream_unavailable'],
    [new ServiceBusyError('busy', 5), 503, 'service_busy'],
  ])('maps %p to %i with its code', (error, status, code) => {
    const response = errorResponse(error, 'corr-1');

    expect(response.statusCode).toBe(status);
    expect(JSON.parse(response.body as string).error.code).toBe(code);
    expect(response.headers?.['x-correlation-id']).toBe('corr-1');
  });

  it('answers a spent budget with 429 usage_limit_exceeded, the reset time and Retry-After', () => {
    const now = new Date('2026-11-30T23:00:00.000Z');
    const response = errorResponse(new UsageLimitExceededError('cost', new Date('2026-12-01T00:00:00.000Z'), now));

    expect(response.statusCode).toBe(429);
    expect(response.headers?.['retry-after']).toBe('3600');
    expect(JSON.parse(response.body as string).error).toMatchObject({
      code: 'usage_limit_exceeded',
      details: { exceeded: 'cost', resetAt: '2026-12-01T00:00:00.000Z' },
    });
  });

  it('answers model failures with 503/502 and a generic message, keeping the model’s details for the log', () => {
    const unavailable = errorResponse(new ModelUnavailableError('Bedrock ThrottlingException for us.anthropic.x'));
    const rejected = errorResponse(new ModelRequestError('AccessDeniedException: arn:aws:iam::123456789012:role/x'));

    expect(unavailable.statusCode).toBe(503);
    expect(rejected.statusCode).toBe(502);
    expect(rejected.body).not.toContain('123456789012');
    expect(JSON.parse(unavailable.body as string).error.code).toBe('model_unavailable');
  });

  it('sets Retry-After on rate limits', () => {
    expect(errorResponse(new RateLimitedError('slow down', 42)).headers?.['retry-after']).toBe('42');
  });

  it('lists validation problems as details.problems', () => {
    expect(bodyOf(new ValidationError('bad', [{ field: 'query.page', message: 'too small' }])).error.details).toEqual({
      problems: [{ field: 'query.page', message: 'too small' }],
    });
  });

  it('gives every error body one details shape (the schema the OpenAPI document names)', () => {
    const bodies = [
      new ValidationError('bad', [{ field: 'query.page', message: 'too small' }]),
      new UnprocessableError(
        'The template is not valid',
        [{ field: 'topic', message: 'is required' }],
        'invalid_template',
      ),
      new UsageLimitExceededError('cost', new Date('2026-12-01T00:00:00Z'), new Date('2026-11-30T00:00:00Z')),
    ].map(bodyOf);

    for (const body of bodies) expect(errorBodySchema.parse(body)).toEqual(body);
  });

  it('hides the message and stack of an unexpected error behind a generic 500', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'secretTableName')");

    const response = errorResponse(error);

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secretTableName');
    expect(JSON.parse(response.body as string)).toEqual({
      error: { code: 'internal_error', message: 'Something went wrong on our side. Try again later.' },
    });
  });
});

describe('errors carry their own status and code', () => {
  it.each([
    [new PromptUnavailableError('index and bucket unreachable, no bundled copy'), 503, 'prompt_unavailable'],
    [new PromptRenderError('cannot render', ['missing {{goals}}']), 500, 'prompt_render_failed'],
  ])('maps %p to %i %s with a public message that hides the internals', (error, status, code) => {
    const response = errorResponse(error);
    const body = JSON.parse(response.body as string);

    expect(response.statusCode).toBe(status);
    expect(body.error.code).toBe(code);
    expect(response.body).not.toMatch(/bucket|goals/);
  });
});
