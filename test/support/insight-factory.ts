import type { Insight } from '../../functions/insights/model';

let counter = 0;

/** A valid stored insight with overridable fields. */
export const anInsight = (overrides: Partial<Insight> = {}): Insight => {
  counter += 1;
  return {
    id: `ins-${counter}`,
    title: `Insight number ${counter}`,
    description: 'A description long enough to pass validation.',
    category: 'operations',
    priority: 'medium',
    status: 'active',
    actionable: true,
    suggestedActions: ['Do the thing'],
    evidence: [{ source: 'goals', metric: 'goals at risk', value: 2 }],
    source: 'rules',
    fingerprint: `fp-${counter}`,
    createdAt: '2026-11-21T08:00:00.000Z',
    updatedAt: '2026-11-21T08:00:00.000Z',
    expiresAt: '2026-11-22T08:00:00.000Z',
    ...overrides,
  };
};
