import * as z from '../zod';

/**
 * The model catalogue: plain data (no SDK imports, cold-start safe) naming, per Bedrock model id, its family, what it
 * can do and what it costs. Inference-profile ids (`us.`, `eu.`, `apac.`, `global.`) resolve to their base entry.
 */

/** The Bedrock model families the gateway knows how to talk to. */
export const MODEL_FAMILIES = ['anthropic', 'amazon', 'meta', 'openai', 'mistral'] as const;
/** One Bedrock model family. */
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/** What a model supports over Converse. */
export const modelCapabilitiesSchema = z.object({
  toolUse: z.boolean(),
  forcedToolChoice: z.boolean(),
  streamingToolUse: z.boolean(),
  systemPrompt: z.boolean(),
  promptCaching: z.boolean(),
  maxOutputTokens: z.number().check(z.int(), z.positive()),
});
/** What a model supports over Converse. */
export type ModelCapabilities = z.infer<typeof modelCapabilitiesSchema>;

/** USD prices per 1K tokens. */
export const modelPriceSchema = z.object({
  inputPer1k: z.number().check(z.nonnegative()),
  outputPer1k: z.number().check(z.nonnegative()),
  cacheReadPer1k: z._default(z.number().check(z.nonnegative()), 0),
  cacheWritePer1k: z._default(z.number().check(z.nonnegative()), 0),
});
/** USD prices per 1K tokens. */
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** One catalogue entry. */
export const modelEntrySchema = z.object({
  family: z.enum(MODEL_FAMILIES),
  capabilities: modelCapabilitiesSchema,
  price: modelPriceSchema,
});
/** One catalogue entry. */
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** A catalogue: entries by base model id. */
export const modelCatalogueSchema = z.record(z.string(), modelEntrySchema);
/** A catalogue: entries by base model id. */
export type ModelCatalogue = Readonly<Record<string, ModelEntry>>;

const caps = (
  maxOutputTokens: number,
  flags: Partial<Omit<ModelCapabilities, 'maxOutputTokens'>> = {},
): ModelCapabilities => ({
  toolUse: true,
  forcedToolChoice: false,
  streamingToolUse: true,
  systemPrompt: true,
  promptCaching: false,
  maxOutputTokens,
  ...flags,
});
const claude = caps(64000, { forcedToolChoice: true, promptCaching: true });
const nova = caps(10000, { forcedToolChoice: true, promptCaching: true });
const price = (inputPer1k: number, outputPer1k: number, cacheReadPer1k = 0, cacheWritePer1k = 0): ModelPrice => ({
  inputPer1k,
  outputPer1k,
  cacheReadPer1k,
  cacheWritePer1k,
});

/** The built-in catalogue (on-demand us-east-1 list prices). Override or extend it with `MODEL_CATALOGUE_JSON`. */
export const DEFAULT_MODEL_CATALOGUE: ModelCatalogue = {
  'anthropic.claude-sonnet-4-5-20250929-v1:0': {
    family: 'anthropic',
    capabilities: claude,
    price: price(0.003, 0.015, 0.0003, 0.00375),
  },
  'anthropic.claude-haiku-4-5-20251001-v1:0': {
    family: 'anthropic',
    capabilities: claude,
    price: price(0.001, 0.005, 0.0001, 0.00125),
  },
  'amazon.nova-pro-v1:0': { family: 'amazon', capabilities: nova, price: price(0.0008, 0.0032, 0.0002) },
  'amazon.nova-lite-v1:0': { family: 'amazon', capabilities: nova, price: price(0.00006, 0.00024, 0.000015) },
  'amazon.nova-micro-v1:0': {
    family: 'amazon',
    capabilities: nova,
    price: price(0.000035, 0.00014, 0.00000875),
  },
  'meta.llama3-3-70b-instruct-v1:0': { family: 'meta', capabilities: caps(8192), price: price(0.00072, 0.00072) },
  'meta.llama3-1-8b-instruct-v1:0': { family: 'meta', capabilities: caps(8192), price: price(0.00022, 0.00022) },
  'meta.llama4-maverick-17b-instruct-v1:0': {
    family: 'meta',
    capabilities: caps(8192),
    price: price(0.00024, 0.00097),
  },
  'meta.llama4-scout-17b-instruct-v1:0': { family: 'meta', capabilities: caps(8192), price: price(0.00017, 0.00066) },
  'openai.gpt-oss-120b-1:0': {
    family: 'openai',
    capabilities: caps(32768, { forcedToolChoice: true, streamingToolUse: false }),
    price: price(0.00015, 0.0006),
  },
  'openai.gpt-oss-20b-1:0': {
    family: 'openai',
    capabilities: caps(32768, { forcedToolChoice: true, streamingToolUse: false }),
    price: price(0.00007, 0.0003),
  },
  'mistral.mistral-large-2407-v1:0': {
    family: 'mistral',
    capabilities: caps(8192),
    price: price(0.002, 0.006),
  },
};

/** Strips an inference-profile prefix (`us.`, `eu.`, `apac.`, `global.`) so one entry serves every region. */
export const baseModelId = (modelId: string): string => modelId.replace(/^(us|eu|apac|global|us-gov)\./, '');

/** The catalogue entry of a model (by its id or its base id), if the catalogue has one. */
export const modelEntryOf = (modelId: string, catalogue: ModelCatalogue): ModelEntry | undefined =>
  catalogue[modelId] ?? catalogue[baseModelId(modelId)];

/** The family of a model id: its catalogue entry's, else its vendor prefix if that names a family. */
export const familyOf = (modelId: string, catalogue: ModelCatalogue): ModelFamily | undefined => {
  const entry = modelEntryOf(modelId, catalogue);
  if (entry) return entry.family;
  const vendor = baseModelId(modelId).split('.')[0];
  return MODEL_FAMILIES.find((family) => family === vendor);
};

/** What a request needs from the model that serves it. */
export interface ModelRequirements {
  /** The request forces one tool (`toolChoice: { tool }`). */
  readonly forcedToolChoice?: boolean;
  /** The request offers tools. */
  readonly tools?: boolean;
  /** The request streams its answer. */
  readonly streaming?: boolean;
  /** Output tokens the request asks for. */
  readonly maxOutputTokens?: number;
  /**
   * The request has a system prompt. Never a misfit: for a model without system prompts the Bedrock adapter folds the
   * system text into the first user message.
   */
  readonly systemPrompt?: boolean;
}

/**
 * Why a model cannot serve a request (the first missing capability), or undefined when it can. A missing system
 * prompt is not a misfit: the Bedrock adapter folds the system text into the first user message instead.
 */
export const misfitOf = (entry: ModelEntry, needs: ModelRequirements): string | undefined => {
  const { capabilities } = entry;
  if ((needs.tools || needs.forcedToolChoice) && !capabilities.toolUse) return 'toolUse';
  if (needs.forcedToolChoice && !capabilities.forcedToolChoice) return 'forcedToolChoice';
  if (needs.streaming && (needs.tools || needs.forcedToolChoice) && !capabilities.streamingToolUse)
    return 'streamingToolUse';
  if (needs.maxOutputTokens !== undefined && needs.maxOutputTokens > capabilities.maxOutputTokens)
    return 'maxOutputTokens';
  return undefined;
};

/**
 * The candidates (in order) whose catalogue entries fit the request; a model missing from the catalogue is
 * skipped, as nothing is known of what it can do.
 */
export const capableModels = (
  candidates: readonly string[],
  needs: ModelRequirements,
  catalogue: ModelCatalogue,
): string[] =>
  candidates.filter((modelId) => {
    const entry = modelEntryOf(modelId, catalogue);
    return entry !== undefined && misfitOf(entry, needs) === undefined;
  });

/** The price table a catalogue implies (by base model id). */
export const pricesOf = (catalogue: ModelCatalogue): Record<string, ModelPrice> =>
  Object.fromEntries(Object.entries(catalogue).map(([id, entry]) => [id, entry.price]));
