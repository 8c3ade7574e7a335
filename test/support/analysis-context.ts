import type { AnalysisContext } from '../../functions/analyses/model';
import type { BusinessSnapshot } from '../../functions/shared/business-api/model';
import type { MetricDay } from '../../functions/shared/metrics/model';
import { demoSnapshot } from './demo-snapshot';

/** The demo data's "today" for analysis tests. */
export const ANALYSIS_NOW = new Date('2026-12-02T09:00:00Z');

/** A context for a type's precompute/validate/offline: a demo tenant's data (or `snapshot`), no history unless given. */
export const analysisContext = <Req>(
  request: Req,
  options: { tenantId?: string; snapshot?: BusinessSnapshot; history?: readonly MetricDay[] } = {},
): AnalysisContext<Req> => {
  const snapshot = options.snapshot ?? demoSnapshot(options.tenantId ?? 'acme-plumbing', ANALYSIS_NOW);
  return {
    request,
    snapshot,
    history: options.history ?? [],
    entities: {
      goals: (snapshot.goals ?? []).map((goal) => ({ id: goal.id, title: goal.title })),
      components: (snapshot.performance?.components ?? []).map((component) => component.name),
    },
    now: ANALYSIS_NOW,
    today: ANALYSIS_NOW.toISOString().slice(0, 10),
  };
};
