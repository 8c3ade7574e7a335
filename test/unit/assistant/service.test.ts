import { AssistantService } from '../../../functions/assistant/service';
import type { KnowledgeBase, KnowledgeSearchResponse } from '../../../functions/shared/knowledge/port';
import type { LogSink } from '../../../functions/shared/observability';
import { assistantTwins } from '../../support/assistant-fakes';
import { testInvocation } from '../../support/invocation';

const answer: KnowledgeSearchResponse = {
  results: [
    {
      id: 'smart-goals',
      title: 'Writing SMART goals',
      content: 'A goal is SMART when...',
      relevanceScore: 0.61,
      category: 'goals',
      tags: ['goals'],
      lastUpdated: '2026-12-02',
      url: '/help/smart-goals',
    },
  ],
  totalCount: 7,
  searchTime: 0.4,
};

describe('AssistantService.searchKnowledgeBase', () => {
  it("searches the knowledge base with the request's fields, in the invocation's scope, and logs the outcome", async () => {
    const knowledge: jest.Mocked<KnowledgeBase> = { search: jest.fn().mockResolvedValue(answer) };
    const log: jest.Mocked<LogSink> = { debug: jest.fn(), info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    const { invocation } = testInvocation({ tenantId: 'acme', log });
    const body = {
      query: 'write a good goal',
      context: ['goals page'],
      filters: { category: 'goals' as const },
      limit: 3,
    };

    const response = await new AssistantService({ ...assistantTwins().deps, knowledge }).searchKnowledgeBase(
      invocation,
      body,
    );

    expect(response).toBe(answer);
    expect(knowledge.search).toHaveBeenCalledWith(body, invocation);
    expect(log.info).toHaveBeenCalledWith('Knowledge base search', {
      queryLength: 17,
      filters: ['category'],
      totalCount: 7,
      returned: ['smart-goals'],
      searchTime: 0.4,
    });
    expect(JSON.stringify(log.info.mock.calls)).not.toContain('write a good goal');
  });
});
