/** Well-formed model answers the fake Bedrock gives in tests and in the bench. */
import type { InsightDraft } from '../functions/insights/model';
import type { FakeBedrockRequest } from './fake-bedrock';

const draft = (n: number, overrides: Partial<InsightDraft> = {}): InsightDraft => ({
  title: `Coaching point number ${['one', 'two', 'three', 'four', 'five', 'six', 'seven'][n - 1]}`,
  description: 'A specific observation about this business, with the reason it matters and what to do about it.',
  category: 'operations',
  priority: 'high',
  actionable: true,
  suggestedActions: ['Book a working session with the goal owner this week'],
  evidence: [{ source: 'goals', metric: 'goal status', value: 'at risk' }],
  ...overrides,
});

/** A well-formed answer of six grounded insights (no numbers, so grounding keeps them all). */
export const goodAnswer = (): { insights: InsightDraft[] } => ({
  insights: [
    draft(1, { category: 'strategy', priority: 'critical' }),
    draft(2, { category: 'finance' }),
    draft(3, { category: 'marketing', priority: 'medium' }),
    draft(4, { category: 'leadership', priority: 'low' }),
    draft(5),
    draft(6, { priority: 'medium' }),
  ],
});

/**
 * A `record_phrasings` answer that gives every nudge of a phrasing request back as it was sent (the user message's
 * second line is their JSON), so each keeps the rules' own text.
 */
export const echoedPhrasings = (request: FakeBedrockRequest): { nudges: unknown } => {
  const text = request.body.messages?.[0]?.content?.[0]?.text ?? '';
  return { nudges: JSON.parse(text.split('\n')[1] ?? '[]') as unknown };
};
