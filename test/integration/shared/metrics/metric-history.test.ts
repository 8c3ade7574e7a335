import { DynamoMetricHistory, InMemoryMetricHistory } from '../../../../functions/shared/metrics/store';
import { useDynalite } from '../../../support/contracts/dynalite';
import { metricHistoryContract } from '../../../support/contracts/metric-history';

const local = useDynalite();

metricHistoryContract('InMemoryMetricHistory', { create: async (now) => new InMemoryMetricHistory(now) });

metricHistoryContract('DynamoMetricHistory on dynalite', {
  create: async (now) => new DynamoMetricHistory(local.client(), await local.table('METRIC_HISTORY_TABLE'), now),
});
