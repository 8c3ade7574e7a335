import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricDay } from '../../../functions/shared/metrics/model';
import { demoMetricHistory } from '../../../local/demo-metrics';
import { ANALYSIS_NOW } from '../../support/analysis-context';

/** The demo tenants (local/fixtures/business). */
export const DEMO_TENANTS = ['acme-plumbing', 'brightside-dental', 'northwind-saas'] as const;

/** A demo tenant's 120-day history ending the day before the analysis tests' today, as `npm start` seeds it. */
export const demoHistory = (tenantId: string): MetricDay[] => {
  const file = join(__dirname, '..', '..', '..', 'local', 'fixtures', 'business', `${tenantId}.json`);
  return demoMetricHistory(
    tenantId,
    JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof demoMetricHistory>[1],
    ANALYSIS_NOW.toISOString().slice(0, 10),
  );
};
