import { NotFoundError } from '../../../functions/shared/errors';
import {
  NO_TRACING,
  PowertoolsTracing,
  traceAwsClient,
  traceInvocation,
  tracing,
} from '../../../functions/shared/tracing';
import { Tracer } from '../../support/fake-tracer';

const setup = () => {
  const tracer = new Tracer({ serviceName: 'coaching-service' });
  return { tracer, tracingOn: new PowertoolsTracing(tracer) };
};

describe('PowertoolsTracing.startInvocation', () => {
  it("opens the invocation's subsegment under Lambda's, annotated, and makes it current until it ends", async () => {
    const { tracer, tracingOn } = setup();

    const trace = await tracingOn.startInvocation('GET /insights', { tenantId: 'acme', correlationId: 'c-1' });
    const during = tracer.getSegment();
    trace.end();

    const segment = tracer.lambdaSegment.find('## GET /insights');
    expect(during).toBe(segment);
    expect(segment.annotations).toEqual({
      ColdStart: true,
      Service: 'coaching-service',
      tenantId: 'acme',
      correlationId: 'c-1',
    });
    expect(segment.closed).toBe(true);
    expect(tracer.getSegment()).toBe(tracer.lambdaSegment);
  });

  it('records a failure as a fault, and a refusal of the caller (a 4xx AppError) as an error', async () => {
    const { tracer, tracingOn } = setup();

    (await tracingOn.startInvocation('failed', {})).end(new Error('DynamoDB unreachable'));
    (await tracingOn.startInvocation('refused', {})).end(new NotFoundError('No such insight'));

    const failed = tracer.lambdaSegment.find('## failed');
    const refused = tracer.lambdaSegment.find('## refused');
    expect(failed).toMatchObject({ faultFlag: true, errorFlag: false, closed: true });
    expect(failed.errors.map((error) => error.message)).toEqual(['DynamoDB unreachable']);
    expect(refused).toMatchObject({ faultFlag: false, errorFlag: true, closed: true });
    expect(refused.annotations.ColdStart).toBe(false);
  });
});

describe('PowertoolsTracing.span', () => {
  it('runs the work in a subsegment of the current one, annotated and closed', async () => {
    const { tracer, tracingOn } = setup();
    const trace = await tracingOn.startInvocation('job', {});

    const answer = await tracingOn.span('BusinessApi goals', async (span) => {
      span.annotate('source', 'goals');
      return 42;
    });
    trace.end();

    const span = tracer.lambdaSegment.find('## job').find('BusinessApi goals');
    expect(answer).toBe(42);
    expect(span).toMatchObject({ annotations: { source: 'goals' }, closed: true, faultFlag: false });
  });

  it('closes it with the error when the work throws, and throws it on', async () => {
    const { tracer, tracingOn } = setup();
    const failure = new Error('socket hang up');

    await expect(tracingOn.span('Bedrock Converse', async () => Promise.reject(failure))).rejects.toBe(failure);

    expect(tracer.lambdaSegment.find('Bedrock Converse')).toMatchObject({ closed: true, errors: [failure] });
  });

  it('marks it failed when the work says so without throwing', async () => {
    const { tracer, tracingOn } = setup();

    await tracingOn.span('BusinessApi actions', async (span) => span.fail());

    expect(tracer.lambdaSegment.find('BusinessApi actions')).toMatchObject({ faultFlag: true, closed: true });
  });

  it('keeps spans run in parallel apart: each under the invocation, none becoming current', async () => {
    const { tracer, tracingOn } = setup();
    const trace = await tracingOn.startInvocation('job', {});
    const invocation = tracer.getSegment();

    await Promise.all(
      ['foundation', 'goals', 'issues'].map((source) =>
        tracingOn.span(`BusinessApi ${source}`, async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          expect(tracer.getSegment()).toBe(invocation);
        }),
      ),
    );
    trace.end();

    expect(invocation.subsegments.map((segment) => [segment.name, segment.closed])).toEqual([
      ['BusinessApi foundation', true],
      ['BusinessApi goals', true],
      ['BusinessApi issues', true],
    ]);
  });

  it('records nothing, and still runs the work, when Powertools has tracing off', async () => {
    const { tracer, tracingOn } = setup();
    jest.spyOn(tracer, 'isTracingEnabled').mockReturnValue(false);

    const trace = await tracingOn.startInvocation('job', { tenantId: 'acme' });
    const answer = await tracingOn.span('Bedrock Converse', async () => 'ok');
    trace.end();

    expect(answer).toBe('ok');
    expect(tracer.lambdaSegment.subsegments).toEqual([]);
    expect(tracingOn.captureClient({ client: 1 })).toEqual({ client: 1 });
    expect(tracer.capturedClients).toEqual([]);
  });
});

describe('outside Lambda (here: no AWS_EXECUTION_ENV)', () => {
  it('traces nothing: the process tracing is NO_TRACING and clients are left as they are', async () => {
    const client = { send: jest.fn() };

    expect(tracing()).toBe(NO_TRACING);
    expect(traceAwsClient(client)).toBe(client);
    await expect(traceInvocation('job', { tenantId: 'acme' }, async () => 'done')).resolves.toBe('done');
    await expect(traceInvocation('job', {}, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
  });
});
