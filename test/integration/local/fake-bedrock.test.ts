import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockClient } from '../../../functions/shared/llm/bedrock-language-model';
import { startFakeBedrock, type FakeBedrock } from '../../../local/fake-bedrock';

const MODEL_ID = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const converse = {
  modelId: MODEL_ID,
  messages: [{ role: 'user' as const, content: [{ text: 'Hello' }] }],
  inferenceConfig: { maxTokens: 512 },
};

let fake: FakeBedrock;
const client = () =>
  createBedrockClient({ region: 'us-east-1', endpoint: fake.endpoint, maxAttempts: 1, requestTimeoutMs: 120_000 });

beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('the fake Bedrock behaves like the real one when told to', () => {
  it('answers a non-streamed call after the first-token time plus the output tokens at its pace', async () => {
    fake.setPace({ firstTokenMs: 150, tokensPerSecond: 100 });
    fake.enqueue({ text: 'A paced answer.', usage: { inputTokens: 10, outputTokens: 20 } });

    const started = performance.now();
    await client().send(new ConverseCommand(converse));
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(150 + 200 - 20);
  });

  it("records when each call arrived, on the caller's clock, before it answers", async () => {
    fake.setPace({ firstTokenMs: 150, tokensPerSecond: 100 });
    fake.enqueue({ text: 'A paced answer.', usage: { inputTokens: 10, outputTokens: 5 } });

    const sent = performance.now();
    await client().send(new ConverseCommand(converse));
    const answered = performance.now();

    const [request] = fake.requests;
    expect(request?.receivedAt).toBeGreaterThanOrEqual(sent);
    expect(answered - (request?.receivedAt ?? 0)).toBeGreaterThanOrEqual(150 + 50 - 20);
  });

  it('streams its deltas over time: the first after the first-token time, the rest at the output rate', async () => {
    fake.enqueue({ text: 'x'.repeat(200), pace: { firstTokenMs: 120, tokensPerSecond: 200 } });
    const started = performance.now();
    const arrivals: number[] = [];

    const { stream } = await client().send(new ConverseStreamCommand(converse));
    for await (const event of stream ?? []) if (event.contentBlockDelta) arrivals.push(performance.now() - started);

    expect(arrivals.length).toBeGreaterThan(2);
    expect(arrivals[0]).toBeGreaterThanOrEqual(110);
    // 200 characters ≈ 50 tokens at 200 tokens/s: the last delta comes about 250 ms after the first.
    expect((arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0)).toBeGreaterThanOrEqual(150);
  });

  it('hangs until the client gives up, and then holds nothing open', async () => {
    fake.enqueue({ text: 'never sent', hang: true });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);

    const started = performance.now();
    const outcome = await client()
      .send(new ConverseCommand(converse), { abortSignal: abort.signal })
      .then(
        () => 'answered',
        (error: Error) => error.name,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(outcome).toBe('AbortError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(fake.openCalls()).toBe(0);
  });

  it('hangs a stream after its first delta', async () => {
    fake.enqueue({ text: 'y'.repeat(100), hang: true });
    const abort = new AbortController();
    const deltas: string[] = [];

    const { stream } = await client().send(new ConverseStreamCommand(converse), { abortSignal: abort.signal });
    const reading = (async () => {
      for await (const event of stream ?? []) {
        if (event.contentBlockDelta?.delta?.text) deltas.push(event.contentBlockDelta.delta.text);
        setTimeout(() => abort.abort(), 100);
      }
    })().then(
      () => 'completed',
      () => 'cut off',
    );

    expect(await reading).toBe('cut off');
    expect(deltas).toHaveLength(1);
  });
});
