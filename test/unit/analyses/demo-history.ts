import type { MetricDay } from '../../../functions/shared/metrics/model';
import { demoMetricHistory } from '../../../local/demo-metrics';
import type { AnalysisDefinition } from '../../../functions/analyses/model';
import { analysisContext, ANALYSIS_NOW } from '../../support/analysis-context';
import { demoSnapshot } from '../../support/demo-snapshot';

/** The demo tenants (local/fixtures/business). */
export const DEMO_TENANTS = ['acme-plumbing', 'brightside-dental', 'northwind-saas'] as const;

/** A demo tenant's 120-day history ending the day before the analysis tests' today (from its parsed fixture). */
export const demoHistory = (tenantId: string): MetricDay[] =>
  demoMetricHistory(tenantId, demoSnapshot(tenantId, ANALYSIS_NOW), ANALYSIS_NOW.toISOString().slice(0, 10));

/**
 * Runs a type offline on a demo tenant's data and history and checks the answer against the type's result schema and
 * its own validators (an offline answer must pass both); hands back the facts and the result for further checks.
 */
export const offlineOnDemo = <Req, Facts, Res>(
  definition: AnalysisDefinition<Req, Facts, Res>,
  request: Req,
  tenantId: string,
): { facts: Facts; result: Res } => {
  const context = analysisContext(request, { tenantId, history: demoHistory(tenantId) });
  const facts = definition.precompute(context);
  const result = definition.offline(context, facts);
  expect(definition.resultSchema['~standard'].validate(result)).toMatchObject({ value: result });
  expect(definition.validate(result, facts, context)).toEqual([]);
  return { facts, result };
};
