import { defaultLimits, usageLedger } from '../shared/adapters';
import { config } from '../shared/config';
import { once } from '../shared/once';
import { UsageReports } from './service';

/** Usage reports and limits on the usage table, built once per process. */
export const usageReports = /* @__PURE__ */ once(
  (): UsageReports => new UsageReports(usageLedger(), defaultLimits(), () => new Date(), config().MODEL_CATALOGUE_JSON),
);
