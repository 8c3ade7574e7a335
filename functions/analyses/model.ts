import type { BusinessSnapshot, SourceName } from '../shared/business-api/model';
import type { MetricDay, MetricEntities } from '../shared/metrics/model';
import * as z from '../shared/zod';

/** How a stored analysis came to be: ok (model, first try), repaired (model, after a repair round), offline (rules). */
export const analysisOutcomes = ['ok', 'repaired', 'offline'] as const;
export type AnalysisOutcome = (typeof analysisOutcomes)[number];

/** A named inconsistency a validator found in a result (handed to the model in the repair round). */
export interface Inconsistency {
  readonly name: string;
  readonly detail: string;
}

/** What a type reads before it runs: which .NET sources, and how many days of metric history (0: none). */
export interface ContextRecipe {
  readonly sources: readonly SourceName[];
  readonly historyDays: number;
}

/**
 * What a type's pre-computation, validation and offline answer work on: the request, the tenant's data (only the
 * recipe's sources are read; a source that failed is in `snapshot.gaps`), the metric history of the recipe's window
 * (oldest day first) with the names of its goals and components, and the tenant's day.
 */
export interface AnalysisContext<Req> {
  readonly request: Req;
  readonly snapshot: BusinessSnapshot;
  readonly history: readonly MetricDay[];
  readonly entities: MetricEntities;
  readonly now: Date;
  /** The tenant's calendar day (YYYY-MM-DD in the deployment's time zone). */
  readonly today: string;
}

/**
 * One analysis type: everything the engine needs to run it. Adding a type = one definition file here + one prompt
 * file (prompts/<promptTopic>/v1.0.json with the variables today, request, business and facts) + tests; the
 * registry lists it and the routes, storage, jobs and metering serve it unchanged.
 * - `requestSchema` checks the body of `POST /analyses/{type}` (400 with every problem);
 * - `resultSchema` is the structured output (its JSON Schema is the forced tool's input schema);
 * - `precompute` derives deterministic facts, handed to the model and used to check it;
 * - `validate` names the result's inconsistencies with the facts and the data (one repair round names them to the
 *   model; a result that stays inconsistent is `502 model_output_invalid` and is not stored);
 * - `offline` answers without a model, from the same facts (the rules provider), deterministic and grounded.
 */
export interface AnalysisDefinition<Req, Facts, Res> {
  /** The name in `POST /analyses/{type}`, e.g. `strategy-alignment`. */
  readonly type: string;
  /** One sentence on what it answers (the 404 for an unknown type lists it). */
  readonly summary: string;
  readonly promptTopic: string;
  readonly requestSchema: z.ZodMiniType<Req>;
  readonly resultSchema: z.ZodMiniType<Res>;
  readonly recipe: ContextRecipe;
  /** `fast`: the gateway's fast model (a classification); `standard`: the template's model. */
  readonly model: 'standard' | 'fast';
  readonly precompute: (context: AnalysisContext<Req>) => Facts;
  readonly validate: (result: Res, facts: Facts, context: AnalysisContext<Req>) => readonly Inconsistency[];
  readonly offline: (context: AnalysisContext<Req>, facts: Facts) => Res;
}

/** Any analysis definition, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAnalysisDefinition = AnalysisDefinition<any, any, any>;

/** Where an analysis comes from. */
export const provenanceSchema = z.object({
  promptTopic: z.string(),
  /** The template version the model was given; absent offline. */
  templateVersion: z.optional(z.string()),
  /** The model that answered; `rules` offline. */
  modelId: z.string(),
  /** SHA-256 of the request and the data the analysis read (hex): the same input hashes the same. */
  inputHash: z.string(),
  outcome: z.enum(analysisOutcomes),
});
export type AnalysisProvenance = z.infer<typeof provenanceSchema>;
