import { startTestApi, type TestApi } from '../../support/local-api';

let api: TestApi;
const lines: string[] = [];

beforeAll(async () => {
  api = await startTestApi({ LLM_PROVIDER: 'rules', POWERTOOLS_LOG_LEVEL: 'INFO' });
  // Powertools writes INFO lines to stdout and WARN/ERROR lines to stderr; JSON lines are captured from both.
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = chunk.toString();
      if (text.startsWith('{')) lines.push(...text.trim().split('\n'));
      else write(chunk);
      return true;
    });
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
  await api.close();
});

describe('structured logs', () => {
  it('carry the tenant and the correlation id on the lines a request writes', async () => {
    const token = await api.token('brightside-dental');

    const response = await api.call('GET', '/insights', { token, headers: { 'x-correlation-id': 'corr-test-42' } });

    const requestLines = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.correlationId === 'corr-test-42');
    expect(response.headers.get('x-correlation-id')).toBe('corr-test-42');
    expect(requestLines.map((entry) => entry.message)).toContain('insight set generated');
    expect(requestLines.every((entry) => entry.tenantId === 'brightside-dental')).toBe(true);
  });

  it('log a rejected request with its correlation id and status, without a stack', async () => {
    const token = await api.token('brightside-dental');

    await api.call('GET', '/insights?page=0', { token, headers: { 'x-correlation-id': 'corr-bad-1' } });

    const entry = lines.map((line) => JSON.parse(line)).find((candidate) => candidate.correlationId === 'corr-bad-1');
    expect(entry).toMatchObject({ level: 'WARN', message: 'request rejected', status: 400 });
    expect(JSON.stringify(entry)).not.toContain('stack');
  });
});
