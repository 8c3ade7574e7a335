import type { TableDefinition } from '../dynamo/tables';

/**
 * Each tenant's daily metric history (`TENANT#<id>`): one item per day (`DAY#<YYYY-MM-DD>`) holding one attribute per
 * series (`overallScore`, `goalProgress#<goal id>`, ...), so a day's values are written field by field (the last write
 * of the day wins per series, and an import never erases what a snapshot wrote). TTL on `expiresAt`.
 */
export const metricHistoryTable = {
  id: 'MetricHistory',
  envVar: 'METRIC_HISTORY_TABLE',
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const satisfies TableDefinition;
