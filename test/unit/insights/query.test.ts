import { listInsightsQuerySchema } from '../../../functions/insights/model';
import { countInsights, matchingInsights } from '../../../functions/insights/query';
import { anInsight } from '../../support/insight-factory';

const query = (raw: Record<string, string>) => listInsightsQuerySchema.parse(raw);

describe('listInsightsQuerySchema', () => {
  it('defaults to the first page, 20 per page, active insights', () => {
    expect(query({})).toEqual({ pageSize: 20, status: 'active' });
  });

  it('accepts pageSize as an alias of page_size, page_size winning', () => {
    expect(query({ pageSize: '7' }).pageSize).toBe(7);
    expect(query({ pageSize: '7', page_size: '9' }).pageSize).toBe(9);
  });

  it.each([
    [{ page: '2' }],
    [{ cursor: '' }],
    [{ page_size: '101' }],
    [{ page_size: '0' }],
    [{ pageSize: '1.5' }],
    [{ category: 'Finance' }],
    [{ priority: 'urgent' }],
    [{ status: 'deleted' }],
    [{ tenant: 'other' }],
  ])('rejects %j', (raw) => {
    expect(listInsightsQuerySchema.safeParse(raw).success).toBe(false);
  });
});

describe('matchingInsights', () => {
  const insights = [
    anInsight({ priority: 'low', category: 'finance' }),
    anInsight({ priority: 'critical', category: 'operations' }),
    anInsight({ priority: 'high', category: 'finance', status: 'dismissed' }),
    anInsight({ priority: 'medium', category: 'finance' }),
    anInsight({ priority: 'high', category: 'strategy', status: 'acknowledged' }),
  ];

  it('returns active insights by default, critical first', () => {
    expect(matchingInsights(insights, query({})).map((insight) => insight.priority)).toEqual([
      'critical',
      'medium',
      'low',
    ]);
  });

  it('filters by category, priority and status together', () => {
    const matching = matchingInsights(insights, query({ category: 'finance', priority: 'high', status: 'dismissed' }));

    expect(matching).toHaveLength(1);
    expect(matching[0]?.status).toBe('dismissed');
  });

  it('returns every status with status=all', () => {
    expect(matchingInsights(insights, query({ status: 'all' }))).toHaveLength(5);
  });
});

describe('countInsights', () => {
  it('counts every category, priority and status, zeros included', () => {
    const counts = countInsights([anInsight({ category: 'finance', priority: 'high', status: 'dismissed' })]);

    expect(counts.total).toBe(1);
    expect(counts.byCategory).toEqual({ strategy: 0, operations: 0, finance: 1, marketing: 0, leadership: 0 });
    expect(counts.byPriority).toEqual({ low: 0, medium: 0, high: 1, critical: 0 });
    expect(counts.byStatus).toEqual({ active: 0, dismissed: 1, acknowledged: 0 });
  });
});
