import { listInsightsQuerySchema } from '../../../functions/insights/model';
import { countInsights, selectPage } from '../../../functions/insights/query';
import { anInsight } from '../../support/insight-factory';

const query = (raw: Record<string, string>) => listInsightsQuerySchema.parse(raw);

describe('listInsightsQuerySchema', () => {
  it('defaults to page 1, 20 per page, active insights', () => {
    expect(query({})).toEqual({ page: 1, pageSize: 20, status: 'active', category: undefined, priority: undefined });
  });

  it('accepts pageSize as an alias of page_size, page_size winning', () => {
    expect(query({ pageSize: '7' }).pageSize).toBe(7);
    expect(query({ pageSize: '7', page_size: '9' }).pageSize).toBe(9);
  });

  it.each([
    [{ page: '0' }],
    [{ page: 'two' }],
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

describe('selectPage', () => {
  const insights = [
    anInsight({ priority: 'low', category: 'finance' }),
    anInsight({ priority: 'critical', category: 'operations' }),
    anInsight({ priority: 'high', category: 'finance', status: 'dismissed' }),
    anInsight({ priority: 'medium', category: 'finance' }),
    anInsight({ priority: 'high', category: 'strategy', status: 'acknowledged' }),
  ];

  it('returns active insights by default, critical first', () => {
    const page = selectPage(insights, query({}));

    expect(page.items.map((insight) => insight.priority)).toEqual(['critical', 'medium', 'low']);
    expect(page).toMatchObject({ total: 3, totalPages: 1, page: 1, pageSize: 20 });
  });

  it('filters by category, priority and status together', () => {
    const page = selectPage(insights, query({ category: 'finance', priority: 'high', status: 'dismissed' }));

    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.status).toBe('dismissed');
  });

  it('returns every status with status=all', () => {
    expect(selectPage(insights, query({ status: 'all' })).total).toBe(5);
  });

  it('cuts pages and reports an empty page past the end', () => {
    const second = selectPage(insights, query({ status: 'all', page_size: '2', page: '2' }));
    const beyond = selectPage(insights, query({ status: 'all', page_size: '2', page: '4' }));

    expect(second.items).toHaveLength(2);
    expect(second.totalPages).toBe(3);
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(5);
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
