import type { MetricHistoryReader } from '../shared/metrics/history';
import type { MetricName } from '../shared/metrics/model';

/** How a stored analysis came to be: ok (model, first try), repaired (model, after one repair round), offline. */
export type AnalysisOutcome = 'ok' | 'repaired' | 'offline';

/** A named inconsistency a validator found in a result (handed to the model in the repair round). */
export interface Inconsistency {
  readonly name: string;
  readonly detail: string;
}

/** The inputs a type's recipe asks for: the .NET sources and the metric history series. */
export interface ContextRecipe {
  readonly sources: readonly string[];
  readonly metrics: readonly MetricName[];
}

/** The data a type's pre-computation works on: the request, the .NET data found, and the history read. */
export interface AnalysisInput<Req> {
  readonly request: Req;
  readonly data: Readonly<Record<string, unknown>>;
  readonly missing: readonly string[];
  readonly history: Readonly<Partial<Record<MetricName, readonly { date: string; value: number }[]>>>;
}

/**
 * One analysis type: everything the engine needs to run it. Adding a type = one definition + one prompt file.
 * `precompute` derives deterministic facts (given to the model and used to check it); `validate` returns the
 * named inconsistencies of a result; `offline` answers without a model, from the same facts.
 */
export interface AnalysisDefinition<Req, Facts, Res> {
  readonly type: string;
  readonly promptTopic: string;
  readonly parseRequest: (body: unknown) => Req;
  readonly recipe: ContextRecipe;
  readonly precompute: (input: AnalysisInput<Req>) => Facts;
  readonly validate: (result: Res, facts: Facts) => readonly Inconsistency[];
  readonly offline: (input: AnalysisInput<Req>, facts: Facts) => Res;
}

/** Reads the history series a recipe names over a window (absent series come back empty). */
export const readHistory = async (
  reader: MetricHistoryReader,
  tenantId: string,
  metrics: readonly MetricName[],
  from: string,
  to: string,
): Promise<AnalysisInput<unknown>['history']> => {
  const entries = await Promise.all(
    metrics.map(async (metric) => [metric, await reader.series(tenantId, { metric, from, to })] as const),
  );
  return Object.fromEntries(entries);
};
