import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseModelId,
  capableModels,
  DEFAULT_MODEL_CATALOGUE,
  familyOf,
  misfitOf,
  modelCatalogueSchema,
  modelEntryOf,
  pricesOf,
} from '../../../../functions/shared/llm/models';
import { configSchema, effectivePrices, parseEnv } from '../../../../functions/shared/config';

describe('model catalogue', () => {
  it('is valid against its own schema and covers every family', () => {
    expect(modelCatalogueSchema.parse(DEFAULT_MODEL_CATALOGUE)).toEqual(DEFAULT_MODEL_CATALOGUE);
    const families = new Set(Object.values(DEFAULT_MODEL_CATALOGUE).map((entry) => entry.family));
    expect([...families].sort()).toEqual(['amazon', 'anthropic', 'meta', 'mistral', 'openai']);
  });

  it('resolves inference-profile ids to their base entry and family', () => {
    expect(baseModelId('us.amazon.nova-pro-v1:0')).toBe('amazon.nova-pro-v1:0');
    expect(modelEntryOf('us.anthropic.claude-haiku-4-5-20251001-v1:0', DEFAULT_MODEL_CATALOGUE)?.price.inputPer1k).toBe(
      0.001,
    );
    expect(familyOf('eu.meta.llama3-3-70b-instruct-v1:0', DEFAULT_MODEL_CATALOGUE)).toBe('meta');
    expect(familyOf('mistral.unlisted-model', DEFAULT_MODEL_CATALOGUE)).toBe('mistral');
    expect(familyOf('acme.thing', DEFAULT_MODEL_CATALOGUE)).toBeUndefined();
  });

  it('names the capability a model lacks for a request', () => {
    const llama = modelEntryOf('meta.llama3-3-70b-instruct-v1:0', DEFAULT_MODEL_CATALOGUE)!;
    const gptOss = modelEntryOf('openai.gpt-oss-120b-1:0', DEFAULT_MODEL_CATALOGUE)!;
    expect(misfitOf(llama, { forcedToolChoice: true })).toBe('forcedToolChoice');
    expect(misfitOf(llama, { tools: true })).toBeUndefined();
    expect(misfitOf(gptOss, { tools: true, streaming: true })).toBe('streamingToolUse');
    expect(misfitOf(llama, { maxOutputTokens: 20000 })).toBe('maxOutputTokens');
  });

  it('keeps only the capable candidates, in order, skipping unknown models', () => {
    const candidates = [
      'us.meta.llama4-maverick-17b-instruct-v1:0',
      'unknown.model',
      'us.amazon.nova-lite-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ];
    expect(capableModels(candidates, { forcedToolChoice: true }, DEFAULT_MODEL_CATALOGUE)).toEqual([
      'us.amazon.nova-lite-v1:0',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
    expect(
      capableModels(candidates, { forcedToolChoice: true, maxOutputTokens: 32000 }, DEFAULT_MODEL_CATALOGUE),
    ).toEqual(['us.anthropic.claude-sonnet-4-5-20250929-v1:0']);
  });

  it('takes catalogue and price overrides from the environment', () => {
    const cfg = parseEnv(configSchema, {
      MODEL_CATALOGUE_JSON: JSON.stringify({
        'acme.model-v1': {
          family: 'mistral',
          capabilities: {
            toolUse: true,
            forcedToolChoice: false,
            streamingToolUse: true,
            systemPrompt: false,
            promptCaching: false,
            maxOutputTokens: 4096,
          },
          price: { inputPer1k: 0.5, outputPer1k: 1 },
        },
      }),
      MODEL_PRICES_JSON: JSON.stringify({ 'amazon.nova-pro-v1:0': { inputPer1k: 9, outputPer1k: 9 } }),
    });
    expect(familyOf('acme.model-v1', cfg.MODEL_CATALOGUE_JSON)).toBe('mistral');
    const prices = effectivePrices(cfg);
    expect(prices['acme.model-v1']).toEqual({ inputPer1k: 0.5, outputPer1k: 1, cacheReadPer1k: 0, cacheWritePer1k: 0 });
    expect(prices['amazon.nova-pro-v1:0']?.inputPer1k).toBe(9);
    expect(prices['anthropic.claude-sonnet-4-5-20250929-v1:0']).toEqual(
      pricesOf(DEFAULT_MODEL_CATALOGUE)['anthropic.claude-sonnet-4-5-20250929-v1:0'],
    );
    expect(() => parseEnv(configSchema, { MODEL_CATALOGUE_JSON: '{"x":{"family":"nope"}}' })).toThrow(
      /MODEL_CATALOGUE_JSON: must be JSON/,
    );
  });
});

describe('README Models table', () => {
  it('has one row per catalogue entry stating its family, capabilities and prices', () => {
    const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
    const rows = new Map(
      readme
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) =>
          line
            .split('|')
            .slice(1, -1)
            .map((cell) => cell.trim()),
        )
        .map((cells) => [cells[0]!.replace(/`/g, ''), cells.slice(1)] as const),
    );
    const yn = (flag: boolean): string => (flag ? 'yes' : 'no');
    for (const [id, { family, capabilities: c, price: p }] of Object.entries(DEFAULT_MODEL_CATALOGUE)) {
      expect([id, rows.get(id)]).toEqual([
        id,
        [
          family,
          yn(c.toolUse),
          yn(c.forcedToolChoice),
          yn(c.streamingToolUse),
          yn(c.systemPrompt),
          yn(c.promptCaching),
          String(c.maxOutputTokens),
          `${p.inputPer1k} / ${p.outputPer1k}`,
          `${p.cacheReadPer1k} / ${p.cacheWritePer1k}`,
        ],
      ]);
    }
  });
});
