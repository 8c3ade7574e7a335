/**
 * Section 13: knowledge-base search over the labelled owner questions (test/quality/knowledge-queries.ts). The local
 * Orama adapter is timed per search (the target), and the `search-knowledge-base` handler module in-process (middy
 * stack, claims, body parsing, the zod-typed JSON response) for the route's own figure. The first search, which builds
 * the index, is timed on its own.
 */
import { performance } from 'node:perf_hooks';
import { routes } from '../functions/routes';
import type { LocalStack } from '../local/stack';
import { lambdaContext } from '../local/lambda-context';
import { printTable } from '../local/print-table';
import { knowledgeQueries, localKnowledgeBase, recallOf, runLabelledQueries } from '../test/quality/knowledge-queries';
import { gatewayClaims, gatewayEvent } from './local';
import {
  atMost,
  distribution,
  distributionRow,
  info,
  ms,
  printHeading,
  printNotes,
  sample,
  verdictLine,
  type TargetResult,
} from './support';

const ROUNDS = 20;
const WARMUP_ROUNDS = 2;
/** The target: search p99 at most this, locally. */
const MAX_P99_MS = 20;

const silent = {
  log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
};

/** Times every labelled query ROUNDS times through the engine and through the route's handler. */
export const benchKnowledgeSearch = async (stack: LocalStack): Promise<TargetResult[]> => {
  const runs = ROUNDS * knowledgeQueries.length;
  printHeading(`13. Knowledge-base search: ${knowledgeQueries.length} labelled queries x ${ROUNDS} (${runs} searches)`);
  const kb = localKnowledgeBase();
  const buildStarted = performance.now();
  await kb.search({ query: 'warm up' }, silent);
  const firstSearchMs = performance.now() - buildStarted;

  let next = 0;
  const query = (): string => knowledgeQueries[next++ % knowledgeQueries.length]?.query ?? '';
  const engine = distribution(
    await sample(runs, () => kb.search({ query: query(), limit: 5 }, silent), WARMUP_ROUNDS * knowledgeQueries.length),
  );

  const token = await stack.mintToken({ tenantId: 'bench-knowledge', userId: 'bench-user' });
  const claims = gatewayClaims(token);
  const { handler } = await import('../functions/assistant/handlers/search-knowledge-base');
  const invoke = async (): Promise<void> => {
    const event = gatewayEvent(routes.searchKnowledgeBase, token, claims);
    const result = await handler(
      {
        ...event,
        headers: { ...event.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ query: query() }),
      },
      lambdaContext('searchKnowledgeBase'),
    );
    if (result.statusCode !== 200)
      throw new Error(`POST /ai/knowledge-base/search: ${result.statusCode} ${result.body}`);
  };
  const route = distribution(await sample(runs, invoke, WARMUP_ROUNDS * knowledgeQueries.length));
  const recall = recallOf(await runLabelledQueries(kb, 3));

  printTable(
    ['path', 'runs', 'p50', 'p95', 'p99', 'max'],
    [distributionRow('LocalKnowledgeBase.search', engine), distributionRow('search handler in-process', route)],
  );
  const results = [
    atMost('knowledge-base search p99', engine.p99, MAX_P99_MS, ms),
    info('POST /ai/knowledge-base/search handler p99 (in-process)', ms(route.p99)),
    info('knowledge-base first search (builds the index)', ms(firstSearchMs)),
    info('knowledge-base recall@3 (labelled queries)', recall.toFixed(3)),
  ];
  printNotes(
    'The index is built on the first search of a process (not at cold start); every later search reuses it.',
    ...results.map(verdictLine),
  );
  return results;
};
