import articles from '../../functions/shared/knowledge/articles.generated.json';
import type { Article } from '../../functions/shared/knowledge/article';
import { LocalKnowledgeBase } from '../../functions/shared/knowledge/local-knowledge-base';
import type { KnowledgeBase } from '../../functions/shared/knowledge/port';
import type { LogSink } from '../../functions/shared/observability';

/** A question as an owner would ask it, and the article(s) that answer it (any one in the top 3 counts). */
export interface LabelledQuery {
  readonly query: string;
  readonly expected: readonly string[];
}

/**
 * The labelled set: questions phrased as owners ask them (in their words, not the articles' titles), each with the
 * article ids that answer it. Written from the support questions the product's areas raise, before tuning anything.
 */
export const knowledgeQueries: readonly LabelledQuery[] = [
  // Coaching method
  { query: 'how do I write a good goal', expected: ['smart-goals'] },
  { query: 'what makes a goal measurable and realistic', expected: ['smart-goals'] },
  { query: 'where do we want the company to be in ten years', expected: ['vision'] },
  { query: 'help me describe our long term direction', expected: ['vision'] },
  { query: 'why does my business exist', expected: ['purpose-and-core-values'] },
  { query: 'what are core values and how do we pick them', expected: ['purpose-and-core-values'] },
  { query: 'which numbers should I track every week', expected: ['scorecard', 'kpis'] },
  { query: 'what is a leading indicator', expected: ['kpis'] },
  { query: 'how many priorities should we set for the quarter', expected: ['rocks', 'quarterly-planning'] },
  { query: 'agenda for our weekly team meeting', expected: ['weekly-meeting'] },
  { query: 'how often should the leadership team meet', expected: ['meeting-cadence', 'weekly-meeting'] },
  { query: 'should we do a daily huddle', expected: ['meeting-cadence'] },
  { query: 'we keep discussing the same problems and never fix them', expected: ['solving-issues'] },
  { query: 'how to run a quarterly offsite', expected: ['quarterly-planning'] },
  { query: "I'm the bottleneck, everything waits for me", expected: ['delegation'] },
  { query: 'how do I hand off work to my team', expected: ['delegation'] },
  { query: 'tips for interviewing and hiring the right person', expected: ['hiring'] },
  { query: 'who is responsible for what in my company', expected: ['accountability-chart'] },
  { query: 'org chart with roles and seats', expected: ['accountability-chart'] },
  { query: 'we keep running out of cash even though sales are fine', expected: ['cash-flow-basics'] },
  { query: 'customers pay their invoices late', expected: ['cash-flow-basics'] },
  { query: 'how do I get feedback from customers', expected: ['customer-feedback'] },
  { query: 'what is NPS', expected: ['customer-feedback'] },
  { query: 'what should I talk about in 1-on-1s with my staff', expected: ['one-on-one-meetings'] },
  { query: 'an employee is not performing, what do I do', expected: ['performance-problems'] },
  { query: 'nobody takes ownership of anything', expected: ['team-accountability'] },
  { query: 'people never finish their actions from the meeting', expected: ['to-dos', 'team-accountability'] },
  { query: 'how do we set targets for next year', expected: ['annual-planning'] },
  // Product help
  { query: 'why is my insight stale', expected: ['stale-insights'] },
  { query: 'my insights are out of date', expected: ['stale-insights'] },
  { query: 'where do the insights come from', expected: ['how-insights-are-made'] },
  { query: 'can I trust the numbers in an insight', expected: ['how-insights-are-made'] },
  { query: 'what happens when I dismiss an insight', expected: ['dismiss-and-acknowledge'] },
  { query: 'what does balanced coaching do', expected: ['coach-intensity-levels'] },
  { query: 'too many notifications from the coach', expected: ['coach-intensity-levels', 'nudge-settings'] },
  { query: 'stop nudges at night', expected: ['nudge-settings'] },
  { query: 'change my time zone for reminders', expected: ['nudge-settings'] },
  { query: 'how does a coaching session work', expected: ['coaching-conversations'] },
  { query: 'can I pause a conversation and come back later', expected: ['coaching-conversations'] },
  { query: 'the coach says it is offline', expected: ['offline-coach'] },
  { query: 'usage limit exceeded', expected: ['usage-limits'] },
  { query: 'how much of our monthly budget have we used', expected: ['usage-limits'] },
  { query: 'why was I rate limited', expected: ['usage-limits'] },
  { query: 'how do I roll back a prompt', expected: ['prompt-admin'] },
  { query: 'test a new prompt version before production', expected: ['prompt-admin'] },
  { query: 'chart of my overall score over time', expected: ['metric-history-and-trends'] },
  { query: 'which goals are stalled', expected: ['metric-history-and-trends'] },
  { query: 'will my goal hit its target date', expected: ['metric-history-and-trends'] },
  { query: 'do my goals fit our vision', expected: ['analyses'] },
  { query: 'strategy alignment score', expected: ['analyses'] },
  { query: 'I want to speak to a real person', expected: ['talk-to-a-human'] },
  { query: 'open a support ticket', expected: ['talk-to-a-human'] },
  { query: 'first steps with the app', expected: ['getting-started'] },
  { query: 'error no business data', expected: ['data-sources'] },
  { query: 'where does the coach get my goals and KPIs from', expected: ['data-sources'] },
  { query: 'delagation', expected: ['delegation'] },
];

/** Where a labelled query's expected article first appears (1-based), or undefined when not in the top `k`. */
export interface QueryOutcome {
  readonly query: string;
  readonly expected: readonly string[];
  readonly top: readonly string[];
  readonly rank: number | undefined;
  readonly searchTime: number;
}

const silent: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The local knowledge base over the bundled articles, as the route uses it. */
export const localKnowledgeBase = (): LocalKnowledgeBase => new LocalKnowledgeBase(articles as Article[]);

/** Runs every labelled query against a knowledge base, keeping the top `k` ids of each. */
export const runLabelledQueries = async (
  kb: KnowledgeBase,
  k = 3,
  queries: readonly LabelledQuery[] = knowledgeQueries,
): Promise<QueryOutcome[]> => {
  const outcomes: QueryOutcome[] = [];
  for (const { query, expected } of queries) {
    const response = await kb.search({ query, limit: k }, { log: silent });
    const top = response.results.map((result) => result.id);
    const at = top.findIndex((id) => expected.includes(id));
    outcomes.push({ query, expected, top, rank: at < 0 ? undefined : at + 1, searchTime: response.searchTime });
  }
  return outcomes;
};

/** The share of queries with an expected article in the top k (recall@k). */
export const recallOf = (outcomes: readonly QueryOutcome[]): number =>
  outcomes.length === 0 ? 0 : outcomes.filter((outcome) => outcome.rank !== undefined).length / outcomes.length;
