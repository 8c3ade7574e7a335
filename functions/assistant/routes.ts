import { defineCapability, defineRoute } from '../shared/http/route';
import {
  accountStatusBodySchema,
  accountStatusResponseSchema,
  analyticsOverviewBodySchema,
  analyticsOverviewResponseSchema,
  knowledgeSearchBodySchema,
  knowledgeSearchResponseSchema,
} from './model';

/**
 * The assistant's rows of the route table (base path `/ai`): the help articles' search, the account status and the
 * analytics overview.
 */
export const assistant = defineCapability({
  routes: {
    searchKnowledgeBase: defineRoute({
      method: 'POST',
      path: '/ai/knowledge-base/search',
      handler: 'functions/assistant/handlers/search-knowledge-base.ts',
      auth: 'user',
      summary:
        'Search the help articles (coaching method and product help; the same for every tenant): the best `limit` ' +
        '(1-20, default 5) matches with a snippet of the passage that matches best, filtered by category, tags and ' +
        'last-updated range; `context` reorders the matches, never adds one',
      tag: 'assistant',
      body: knowledgeSearchBodySchema,
      response: { status: 200, schema: knowledgeSearchResponseSchema },
      // The Bedrock Knowledge Base could not be searched (on AWS; the local index cannot fail so).
      errors: ['upstream_unavailable'],
      grants: { knowledgeBase: 'read' },
    }),
    getAccountStatus: defineRoute({
      method: 'POST',
      path: '/ai/account-status',
      handler: 'functions/assistant/handlers/get-account-status.ts',
      auth: 'user',
      summary:
        "The caller's tenant's account: status, its limits (plan `standard`: the defaults; `custom`: a platform " +
        "admin set some), this month's usage and metered cost against them, each .NET source's health for this " +
        'tenant (last success, last failure and why, as the business-data reads recorded it), and alerts (a budget ' +
        'past the warning share or spent, a month on course past its budget, failing sources); sections by flag',
      tag: 'assistant',
      body: accountStatusBodySchema,
      response: { status: 200, schema: accountStatusResponseSchema },
      grants: { tables: { usage: 'read', sourceHealth: 'read' } },
    }),
    getAnalyticsOverview: defineRoute({
      method: 'POST',
      path: '/ai/analytics-overview',
      handler: 'functions/assistant/handlers/get-analytics-overview.ts',
      auth: 'user',
      summary:
        "The caller's tenant's headline metrics over the last 7, 30 or 90 days from its metric history (latest, " +
        'average, lowest, highest), the range against the one before it of equal length, the top trend signals of ' +
        'the history, and the current insights as stored (never generated here: without a set, it says so)',
      tag: 'assistant',
      body: analyticsOverviewBodySchema,
      response: { status: 200, schema: analyticsOverviewResponseSchema },
      grants: { tables: { metricHistory: 'read', insights: 'read' } },
    }),
  },
});
