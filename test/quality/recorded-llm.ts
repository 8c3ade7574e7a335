import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Generation } from '../../functions/insights/generation';
import { LlmInsightGenerator } from '../../functions/insights/llm-insight-generator';
import type { StructuredRequest } from '../../functions/shared/llm/port';
import { FilePromptStore } from '../../functions/shared/prompts/file-prompt-store';
import { InMemoryUsageLedger } from '../../functions/shared/usage/in-memory-usage-ledger';
import { silentLog } from '../support/invocation';
import { ScriptedModel } from '../support/model-fakes';
import { testGateway } from '../support/usage-fakes';
import { generationInputFor } from './checks';
import { QUALITY_NOW, type QualityFixture } from './fixtures';

/** A model's answer to the insights prompt for one fixture, kept in test/quality/recorded/. */
export interface RecordedAnswer {
  /** The fixture's name, as in fixtures.ts. */
  readonly fixture: string;
  /** The `record_insights` tool input, as the model wrote it (near-misses included). */
  readonly insights: readonly unknown[];
}

const RECORDED_DIR = join(__dirname, 'recorded');

/** Every recorded answer, by fixture name. */
export const recordedAnswers = (): ReadonlyMap<string, RecordedAnswer> =>
  new Map(
    readdirSync(RECORDED_DIR)
      .filter((file) => file.endsWith('.json'))
      .map((file) => JSON.parse(readFileSync(join(RECORDED_DIR, file), 'utf8')) as RecordedAnswer)
      .map((answer) => [answer.fixture, answer]),
  );

/** What the LLM path made of a recorded answer: the generation, and the request the model was sent. */
export interface LlmRun {
  readonly generation: Generation;
  readonly request: StructuredRequest;
}

/**
 * Runs the real LLM path (the active `insights_generation` template from prompts/, the model gateway, output
 * normalization, grounding, handle mapping, the rules' top-up) for a fixture, with a model that answers with the
 * recorded answer.
 */
export const runRecorded = async (fixture: QualityFixture, answer: RecordedAnswer): Promise<LlmRun> => {
  const model = new ScriptedModel();
  model.defaults.set('record_insights', { insights: answer.insights });
  const gateway = testGateway(model, new InMemoryUsageLedger(), () => QUALITY_NOW, {
    defaultModelId: model.modelId,
    prices: {},
  });
  const prompts = new FilePromptStore(join(__dirname, '../../prompts'), { maxBytes: 100_000 }, silentLog);
  const generation = await new LlmInsightGenerator(prompts, gateway, { addMetric: () => undefined }).generate(
    generationInputFor(fixture, true),
  );
  const request = model.requestsFor('record_insights')[0];
  if (request === undefined) throw new Error(`${fixture.name}: the model was never asked`);
  return { generation, request };
};
