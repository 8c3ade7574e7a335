import type { AssistantDependencies } from '../../functions/assistant/service';
import { InMemorySourceHealth } from '../../functions/shared/business-api/health';
import { InMemoryMetricHistory } from '../../functions/shared/metrics/store';
import { InMemoryUsageLedger } from '../../functions/shared/usage/in-memory-usage-ledger';
import type { TenantLimits } from '../../functions/shared/usage/ledger';
import { UsageReports } from '../../functions/usage/service';

/** The moment the assistant twins' clock stands at: the 21st of a 30-day month, 10:00 UTC. */
export const ASSISTANT_NOW = new Date('2026-11-21T10:00:00.000Z');
/** The default limits of the twins' usage reports. */
export const ASSISTANT_LIMITS: TenantLimits = {
  monthlyTokenBudget: 100_000,
  monthlyCostBudgetUsd: 10,
  userRequestsPerMinute: 30,
};

/** The assistant's dependencies on in-memory twins, and the twins, for unit tests. */
export interface AssistantTwins {
  readonly deps: AssistantDependencies;
  readonly ledger: InMemoryUsageLedger;
  readonly health: InMemorySourceHealth;
  readonly history: InMemoryMetricHistory;
  readonly insights: { cached: jest.Mock };
  readonly knowledge: { search: jest.Mock };
}

/** In-memory twins of the assistant's ports at ASSISTANT_NOW (no insight set stored), with `overrides` over them. */
export const assistantTwins = (overrides: Partial<AssistantDependencies> = {}): AssistantTwins => {
  const clock = (): Date => ASSISTANT_NOW;
  const ledger = new InMemoryUsageLedger();
  const health = new InMemorySourceHealth();
  const history = new InMemoryMetricHistory(clock);
  const insights = { cached: jest.fn().mockResolvedValue(undefined) };
  const knowledge = { search: jest.fn() };
  const deps: AssistantDependencies = {
    knowledge,
    usage: new UsageReports(ledger, ASSISTANT_LIMITS, clock),
    sourceHealth: health,
    history,
    insights,
    clock,
    timeZone: 'UTC',
    warningThreshold: 0.8,
    ...overrides,
  };
  return { deps, ledger, health, history, insights, knowledge };
};
