/**
 * Section 3: wall time of one business data fetch when every source is slow. `HttpBusinessData` reads the demo
 * business API with a delay fault on all six endpoints; in parallel, the wall time is about one delay, not the sum.
 */
import type { LocalStack } from '../local/stack';
import { sourceEndpoints } from '../functions/shared/business-api/http-business-data';
import { sourceNames } from '../functions/shared/business-api/model';
import { businessData } from '../functions/shared/adapters';
import { businessRequest } from './local';
import { printTable } from '../local/print-table';
import { atMostRatio, median, ms, printHeading, printNotes, sample, verdictLine, type TargetResult } from './support';

const DELAY_MS = 300;
const RUNS = 10;
/** In parallel, the six slow sources take about one delay (plus the undelayed fetch), never the serial sum. */
const MAX_RATIO = 1.5;

/** Median wall time of fetching one tenant's six sources, without and with the delay fault. */
export const benchParallelFetch = async (stack: LocalStack, tenantId: string): Promise<TargetResult[]> => {
  printHeading(`3. Business data fetch with every source delayed ${DELAY_MS} ms (tenant ${tenantId}, ${RUNS} runs)`);
  const demoApi = stack.demoApi;
  if (!demoApi) throw new Error('the demo business API is not running (ACCOUNT_API_URL/TRACTION_API_URL are set)');
  const client = businessData();
  const fetchAll = async (): Promise<void> => {
    const snapshot = await client.snapshot(businessRequest(tenantId));
    if (snapshot.gaps.length > 0) throw new Error(`fetch had gaps: ${JSON.stringify(snapshot.gaps)}`);
  };

  const undelayed = await sample(RUNS, fetchAll, 1);
  for (const name of sourceNames) demoApi.setFault(sourceEndpoints[name].path, { delayMs: DELAY_MS });
  let delayed: number[];
  try {
    delayed = await sample(RUNS, fetchAll);
  } finally {
    demoApi.clearFaults();
  }

  const serialSum = sourceNames.length * DELAY_MS;
  printTable(
    ['fetch', 'runs', 'median', 'min', 'max'],
    [
      ['no delay', String(RUNS), ms(median(undelayed)), ms(Math.min(...undelayed)), ms(Math.max(...undelayed))],
      [
        `each source +${DELAY_MS} ms`,
        String(RUNS),
        ms(median(delayed)),
        ms(Math.min(...delayed)),
        ms(Math.max(...delayed)),
      ],
    ],
  );
  const result = atMostRatio(
    `Fetch wall time, ${sourceNames.length} sources × ${DELAY_MS} ms delay (median)`,
    median(delayed),
    { name: `one source's ${DELAY_MS} ms delay`, value: DELAY_MS },
    MAX_RATIO,
  );
  printNotes(
    `Serial sum: ${sourceNames.length} × ${DELAY_MS} ms = ${ms(serialSum)}; measured median is ${((median(delayed) / serialSum) * 100).toFixed(0)}% of it.`,
    'Each run fetches, parses and validates all six sources (foundation, goals, goalStats, performance, actions, issues).',
    verdictLine(result),
  );
  return [result];
};
