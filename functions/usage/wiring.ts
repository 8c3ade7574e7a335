import { usageLedger } from '../shared/adapters';
import { config } from '../shared/config';
import { once } from '../shared/once';
import { UsageReports } from './service';

/** Usage reports and limits on the usage table, built once per process. */
export const usageReports = once((): UsageReports => {
  const cfg = config();
  return new UsageReports(
    usageLedger(),
    {
      monthlyTokenBudget: cfg.USAGE_MONTHLY_TOKEN_BUDGET,
      monthlyCostBudgetUsd: cfg.USAGE_MONTHLY_COST_BUDGET_USD,
      userRequestsPerMinute: cfg.USAGE_USER_REQUESTS_PER_MINUTE,
    },
    () => new Date(),
  );
});
