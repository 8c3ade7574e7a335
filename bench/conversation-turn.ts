/**
 * Section 6: what one conversation turn costs besides the model. A real `ConversationService` (the DynamoDB store
 * and the usage ledger on dynalite, the real prompt store, a real `ModelGateway`) runs whole sessions: each
 * conversation is opened, then answered turn after turn with `service.reply` and the request's pending writes
 * settled, as the reply handler does. Business data is a snapshot fetched beforehand and served at once; the model
 * is canned and answers instantly, by the tool the request forces (`record_turn`, or `record_summary` when the
 * history is folded into the running summary). The figure per turn is reply + settle minus the canned model's time.
 */
import type { Floor } from './floors';
import { conversationsConfig } from '../functions/conversations/config';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { documentClient, promptStore } from '../functions/shared/adapters';
import type { BusinessSnapshot } from '../functions/shared/business-api/model';
import { tenantKey } from '../functions/shared/dynamo/tables';
import type { LanguageModel, StructuredRequest, StructuredResponse } from '../functions/shared/llm/port';
import { parseModelOutput } from '../functions/shared/llm/output-repair';
import { estimateTokens } from '../functions/shared/llm/tokens';
import { logger } from '../functions/shared/observability';
import { renderPrompt } from '../functions/shared/prompts/render';
import { scoreComplexity } from '../functions/shared/usage/routing';
import { LoggingHandoffPublisher } from '../functions/conversations/handoff';
import { DEFAULT_SUPPORT_CONFIG } from '../functions/support/model';
import { supportDesk } from '../functions/support/service';
import { MemoryTicketStore } from '../functions/support/store';
import {
  conversationSchema,
  messageSchema,
  turnOutputSchema,
  type ConversationTopic,
  type Message,
} from '../functions/conversations/model';
import { conversationPromptValues, OPENING_MESSAGE } from '../functions/conversations/prompt-context';
import { ModelCoach } from '../functions/conversations/model-coach';
import { ConversationService } from '../functions/conversations/service';
import { ConversationActivity, DynamoConversationStats } from '../functions/conversations/stats';
import { DynamoConversationStore } from '../functions/conversations/store';
import { planFold, toModelMessages, usageOf } from '../functions/conversations/turns';
import { benchGateway, benchLedger, cannedResponse } from './gateway';
import { fetchSnapshot, InMemoryBusinessData, benchInvocation } from './local';
import { printTable } from '../local/print-table';
import {
  atMostRatio,
  BusyTime,
  count,
  countRange,
  distribution,
  equals,
  info,
  kb,
  ms,
  printHeading,
  printNotes,
  RoundTrips,
  sample,
  timedMethods,
  verdictLine,
  type TargetResult,
} from './support';

const CONVERSATIONS = 20;
const TURNS = 25;
/** Whole conversations run first and not measured, so every measured turn position is equally represented. */
const WARMUP_CONVERSATIONS = 2;
const STEP_RUNS = 300;
const STEP_WARMUP = 30;
const TOPIC: ConversationTopic = 'core_values';
const USER_ID = 'bench-user';

/** The coach's reply: about 60 words, as a turn of the exploration phase reads. */
const REPLY =
  'That story says a lot about how your team works when it matters. I hear two things in it: people step in ' +
  'without being asked, and they tell the customer the truth even when it costs you a sale. Before we name ' +
  'anything, tell me about another moment like this one. Who was involved, what exactly did they do, and why ' +
  'did it matter to you?';

/** The canned `record_turn` input: a valid exploration turn with a confident classification (no hand-off). */
const TURN_ANSWER = JSON.stringify({
  reply: REPLY,
  phase: 'exploration',
  progress: 0.35,
  readyToComplete: false,
  suggestedReplies: ['Another story from last spring', 'Can we talk about hiring?'],
  extracted: { candidateValues: ['Step in without being asked', 'Tell the customer the truth'] },
  intent: { type: 'share', confidence: 0.92, entities: [{ type: 'person', value: 'Maria' }] },
});

/** The canned `record_summary` input: a running summary of about 100 words. */
const SUMMARY_ANSWER = JSON.stringify({
  summary:
    'The owner runs a 40-person installation company and is working out its core values from real stories. ' +
    'Stories so far: Maria stayed late to rebuild a failed order for a hospital client; the crew told a customer ' +
    'their cheaper option would fail within two years and lost the sale; a foreman paused a job over a safety ' +
    'concern. Candidate values heard and checked: "Step in without being asked" and "Tell the customer the ' +
    'truth". Open question: whether safety is a separate value or part of doing the job right. The owner is ' +
    'engaged, a little impatient, and wants values the crews would actually say.',
});

/** What the owner writes, in rotation: stories and answers of 30-55 words, as an owner types them. */
const OWNER_MESSAGES = [
  'Last winter our biggest hospital client had an order fail two days before opening. Maria and two installers stayed until midnight three nights in a row to rebuild it, and nobody asked them to. The client still mentions it every time we meet.',
  'We once told a customer that the cheaper system they wanted would fail within two years in their building. We lost the sale to a competitor. Six months later they called us back and we did the whole job properly.',
  'Honestly the thing I will not tolerate is people blaming each other in front of a customer. I had a top salesperson who did that and I let him go, even though his numbers were the best we had.',
  'Our foreman Dave stopped a job halfway because the scaffolding did not look right to him. It cost us a day and the client was annoyed, but he was right and I backed him completely.',
  'I think the common thread is that people take ownership. When something goes wrong they fix it first and talk about whose fault it was later, if at all.',
  'Yes, that sounds like us. Though I worry that "tell the truth" sounds a bit obvious. Every company says honesty. What makes ours different is that we say the uncomfortable thing early.',
  'The person who embodies the company is probably Priya in dispatch. She knows every crew, remembers every customer, and she will call a customer herself at seven in the morning if a crew is running late.',
  'When we hire we look for people who have fixed things on their own time, like old cars or houses. They tend to care about the work itself rather than just the hours.',
] as const;

/** A model that calls the forced tool at once, answering by the tool's name; counts the calls per tool. */
class CannedConversationModel implements LanguageModel {
  readonly calls = new Map<string, number>();

  async generateStructured(request: StructuredRequest): Promise<StructuredResponse> {
    const tool = request.tool.name;
    this.calls.set(tool, (this.calls.get(tool) ?? 0) + 1);
    if (tool === 'record_turn') return cannedResponse(TURN_ANSWER);
    if (tool === 'record_summary') return cannedResponse(SUMMARY_ANSWER);
    throw new Error(`the canned model has no answer for the tool ${tool}`);
  }
}

/** Where DynamoDB time goes in a turn, in call order (the ledger's settle runs alongside the last store writes). */
const stages = [
  'store: claim (conditional update returning META + context)',
  'store: unsummarized messages (query)',
  'store: put user message',
  'ledger: rate count + reserve',
  'ledger: settle (pending writes)',
  'store: put assistant message',
  'store: final update (conditional)',
  'other',
] as const;
type Stage = (typeof stages)[number];

/** A value per stage. */
const byStage = <T>(value: (stage: Stage) => T): Record<Stage, T> =>
  Object.fromEntries(stages.map((stage) => [stage, value(stage)])) as Record<Stage, T>;

/** The timers of one turn; reset before each turn. */
class TurnTimers {
  readonly model = new BusyTime();
  readonly dynamo = new BusyTime();
  readonly stages = byStage(() => new BusyTime());
  private puts = 0;

  reset(): void {
    for (const timer of [this.model, this.dynamo, ...Object.values(this.stages)]) timer.reset();
    this.puts = 0;
  }

  /** The stage of a store method: the first message put of a turn is the owner's, the second the coach's. */
  storeStage(method: string): BusyTime {
    const stage: Stage =
      method === 'claimTurn'
        ? 'store: claim (conditional update returning META + context)'
        : method === 'finishTurn'
          ? 'store: final update (conditional)'
          : method === 'putMessage'
            ? (this.puts += 1) === 1
              ? 'store: put user message'
              : 'store: put assistant message'
            : method === 'messages'
              ? 'store: unsummarized messages (query)'
              : 'other';
    return this.stages[stage];
  }

  ledgerStage(method: string): BusyTime {
    if (method === 'limitsOverride' || method === 'countUserRequest' || method === 'reserve') {
      return this.stages['ledger: rate count + reserve'];
    }
    return this.stages[method === 'settle' ? 'ledger: settle (pending writes)' : 'other'];
  }
}

/** What the timers saw during one turn. */
interface TurnTimes {
  readonly totalMs: number;
  readonly modelMs: number;
  readonly dynamoMs: number;
  readonly requests: number;
  /** Sequential DynamoDB round trips (requests in flight together count once), the metering settle included. */
  readonly roundTrips: number;
  readonly folded: boolean;
  readonly stageMs: Record<Stage, number>;
}

/** A table row: the label, then p50, p95, p99 and max of `values` (dashes when there are none). */
const distributionRow = (label: string, values: readonly number[]): string[] => {
  if (values.length === 0) return [label, '0', '–', '–', '–', '–'];
  const { runs, p50, p95, p99, max } = distribution(values);
  return [label, count(runs), ms(p50), ms(p95), ms(p99), ms(max)];
};

/** p50 of the CPU-bound steps of a turn, each timed on its own on the state of a long conversation's last turn. */
const stepTimes = async (
  snapshot: BusinessSnapshot,
  unsummarized: readonly Message[],
  storedMeta: Record<string, unknown>,
  summary: string,
): Promise<[string, number][]> => {
  const cfg = conversationsConfig();
  const template = await promptStore().active(TOPIC);
  const userText = OWNER_MESSAGES[0];
  const values = () =>
    conversationPromptValues({
      snapshot,
      phase: 'exploration',
      summary,
      extracted: JSON.parse(TURN_ANSWER).extracted as Record<string, unknown>,
      exchanges: TURNS,
      userMessage: userText,
    });
  const rendered = renderPrompt(template, values());
  const plan = planFold(unsummarized, cfg.CONVERSATION_RECENT_MESSAGES, cfg.CONVERSATION_HISTORY_TOKEN_BUDGET);
  const history = toModelMessages(
    [...plan.recent, { id: 'pending', seq: 0, role: 'user', text: rendered.user, createdAt: new Date().toISOString() }],
    OPENING_MESSAGE(TOPIC),
  );
  const rawMessages = unsummarized.map((message) => JSON.parse(JSON.stringify(message)) as unknown);
  const p50 = async (step: () => unknown): Promise<number> =>
    distribution(await sample(STEP_RUNS, async () => step(), STEP_WARMUP)).p50;
  return [
    ['prompt values + render', await p50(() => renderPrompt(template, values()))],
    [
      `token estimation (fold plan over ${unsummarized.length} messages + gateway input estimate)`,
      await p50(() => {
        planFold(unsummarized, cfg.CONVERSATION_RECENT_MESSAGES, cfg.CONVERSATION_HISTORY_TOKEN_BUDGET);
        return estimateTokens(rendered.system) + estimateTokens(history.map((message) => message.text).join('\n'));
      }),
    ],
    ['complexity score of the user message', await p50(() => scoreComplexity(userText))],
    [
      'turn output: extract + zod parse (record_turn)',
      await p50(() => parseModelOutput(turnOutputSchema, cannedResponse(TURN_ANSWER))),
    ],
    [
      `stored messages: zod parse (${unsummarized.length})`,
      await p50(() => rawMessages.map((item) => messageSchema.parse(item))),
    ],
    [
      'stored conversation: zod parse',
      // The item keeps its spend as counters; the store reads them back as the conversation's usage.
      await p50(() =>
        conversationSchema.parse({
          ...storedMeta,
          expiresAt: storedMeta.expiresAtIso,
          usage: usageOf(storedMeta as unknown as Parameters<typeof usageOf>[0]),
        }),
      ),
    ],
    [
      'turn tool JSON schema (z.toJSONSchema; once per process, not per turn)',
      await p50(() => z.toJSONSchema(turnOutputSchema, { io: 'input' })),
    ],
  ];
};

/** Times whole coaching sessions turn by turn; the target is checked against the p99 of all measured turns. */
export const benchConversationTurn = async (snapshotTenantId: string, floor: Floor): Promise<TargetResult[]> => {
  const measuredTurns = CONVERSATIONS * TURNS;
  printHeading(
    `6. Conversation turn overhead excluding the model (${CONVERSATIONS} conversations × ${TURNS} turns = ${count(measuredTurns)} measured turns)`,
  );
  const cfg = conversationsConfig();
  const client = documentClient();
  const snapshot = await fetchSnapshot(snapshotTenantId);
  const tenantId = `bench-conversations-${randomUUID().slice(0, 8)}`;
  const timers = new TurnTimers();
  const trips = new RoundTrips();
  const timedClient = trips.counting(timedMethods(client, timers.dynamo));
  const model = new CannedConversationModel();
  const store = new DynamoConversationStore(timedClient, cfg.CONVERSATIONS_TABLE);
  const handoff = new LoggingHandoffPublisher(logger);
  // A hand-off would open a ticket in memory; the canned turns never hand off (checked below).
  const desk = supportDesk({
    tickets: new MemoryTicketStore(),
    conversations: store,
    handoff,
    config: DEFAULT_SUPPORT_CONFIG,
    now: () => new Date(),
  });
  const service = new ConversationService({
    store: timedMethods(store, (method) => timers.storeStage(method)),
    prompts: promptStore(),
    coach: new ModelCoach(
      benchGateway(
        timedMethods(model, timers.model),
        timedMethods(benchLedger(timedClient), (method) => timers.ledgerStage(method)),
      ),
      promptStore(),
    ),
    activity: new ConversationActivity(
      new DynamoConversationStats(timedClient, cfg.CONVERSATIONS_TABLE),
      cfg.CONVERSATION_OUTCOME_RETENTION_DAYS,
    ),
    businessData: new InMemoryBusinessData(snapshot),
    handoff: desk,
    clock: () => new Date(),
    settings: {
      idleDays: cfg.CONVERSATION_IDLE_DAYS,
      outcomeRetentionDays: cfg.CONVERSATION_OUTCOME_RETENTION_DAYS,
      recentMessages: cfg.CONVERSATION_RECENT_MESSAGES,
      historyTokenBudget: cfg.CONVERSATION_HISTORY_TOKEN_BUDGET,
      contextMaxAgeMs: 86_400_000,
    },
  });

  const turns: TurnTimes[] = [];
  const foldTurns = new Map<number, number>();
  let phaseCorrections = 0;
  let lastConversationId = '';
  for (let c = 0; c < WARMUP_CONVERSATIONS + CONVERSATIONS; c += 1) {
    const opening = await service.start(benchInvocation(tenantId, USER_ID).invocation, TOPIC);
    const id = opening.conversation.id;
    lastConversationId = id;
    for (let t = 1; t <= TURNS; t += 1) {
      const text = OWNER_MESSAGES[(c + t) % OWNER_MESSAGES.length] as string;
      const scope = benchInvocation(tenantId, USER_ID);
      const summariesBefore = model.calls.get('record_summary') ?? 0;
      timers.reset();
      trips.reset();
      const started = performance.now();
      const result = await service.reply(scope.invocation, id, text);
      await scope.settle();
      const totalMs = performance.now() - started;
      const folded = (model.calls.get('record_summary') ?? 0) > summariesBefore;
      if (folded) foldTurns.set(t, (foldTurns.get(t) ?? 0) + 1);
      if (result.turn.phaseCorrected) phaseCorrections += 1;
      if (c >= WARMUP_CONVERSATIONS) {
        turns.push({
          totalMs,
          modelMs: timers.model.ms,
          dynamoMs: timers.dynamo.ms,
          requests: timers.dynamo.calls,
          roundTrips: trips.count,
          folded,
          stageMs: byStage((stage) => timers.stages[stage].ms),
        });
      }
    }
  }
  if (turns.length !== measuredTurns) throw new Error(`measured ${turns.length} turns, expected ${measuredTurns}`);
  if (phaseCorrections > 0 || handoff.published.length > 0) {
    throw new Error(
      `the canned turn was not taken as is: ${phaseCorrections} phase corrections, ${handoff.published.length} hand-offs`,
    );
  }

  // Correctness: the last conversation, read back through the store.
  const last = await store.get(tenantId, lastConversationId);
  if (!last) throw new Error(`conversation ${lastConversationId} not found`);
  const lastMessages = await store.messages(tenantId, lastConversationId);
  const unsummarized = await store.messages(tenantId, lastConversationId, last.conversation.summarizedThrough);
  const { Item: metaItem } = await client.send(
    new GetCommand({
      TableName: cfg.CONVERSATIONS_TABLE,
      Key: { pk: `${tenantKey(tenantId)}#CONV#${lastConversationId}`, sk: 'META' },
    }),
  );
  const metaBytes = metaItem ? Buffer.byteLength(JSON.stringify(metaItem)) : Number.NaN;
  const contextBytes = last.context ? Buffer.byteLength(JSON.stringify(last.context)) : 0;

  const getAloneMs = await sample(STEP_RUNS, () => store.get(tenantId, lastConversationId), STEP_WARMUP);

  const overheadMs = turns.map((turn) => turn.totalMs - turn.modelMs);
  const overhead = distribution(overheadMs);
  const roundTrips = Math.max(...turns.map((turn) => turn.roundTrips));
  const plain = turns.filter((turn) => !turn.folded);
  const folding = turns.filter((turn) => turn.folded);
  const summaryCalls = model.calls.get('record_summary') ?? 0;

  printTable(
    ['per turn', 'turns', 'p50', 'p95', 'p99', 'max'],
    [
      distributionRow(
        'reply + settle, wall',
        turns.map((turn) => turn.totalMs),
      ),
      distributionRow(
        '  canned model calls (subtracted)',
        turns.map((turn) => turn.modelMs),
      ),
      distributionRow('  overhead = reply + settle − model', overheadMs),
      distributionRow(
        '    turns without a summary fold',
        plain.map((turn) => turn.totalMs - turn.modelMs),
      ),
      distributionRow(
        '    turns with a summary fold (2 model calls)',
        folding.map((turn) => turn.totalMs - turn.modelMs),
      ),
      distributionRow(
        '  DynamoDB (a request in flight)',
        turns.map((turn) => turn.dynamoMs),
      ),
      ...stages
        .filter((stage) => turns.some((turn) => turn.stageMs[stage] > 0))
        .map((stage) =>
          distributionRow(
            `      ${stage}`,
            turns.map((turn) => turn.stageMs[stage]),
          ),
        ),
      distributionRow(
        '  not waiting on DynamoDB or the model (CPU)',
        turns.map((turn) => turn.totalMs - turn.modelMs - turn.dynamoMs),
      ),
      distributionRow('one store.get alone (a single round trip)', getAloneMs),
    ],
  );

  const steps = await stepTimes(snapshot, unsummarized, metaItem ?? {}, last.conversation.summary);
  process.stdout.write(
    "\n  CPU steps of one turn, each timed on its own (p50, on the last conversation's final state):\n",
  );
  printTable(
    ['step', 'p50'],
    steps.map(([step, value]) => [step, ms(value)]),
  );

  const expectedTurn = 2 * TURNS + 1;
  const results = [
    atMostRatio(
      `Conversation turn overhead p99 (excluding the model; ${roundTrips} sequential round trips)`,
      overhead.p99,
      floor,
      roundTrips,
    ),
    equals('Last conversation: turn counter', last.conversation.turn, expectedTurn, count),
    equals('Last conversation: stored messages', lastMessages.length, expectedTurn, count),
    info(
      'Conversation summary folds (record_summary calls)',
      summaryCalls > 0 ? `${count(summaryCalls)} in ${WARMUP_CONVERSATIONS + CONVERSATIONS} conversations` : 'none',
    ),
  ];
  const foldAt = [...foldTurns.entries()]
    .sort(([a], [b]) => a - b)
    .map(([turn, n]) => `turn ${turn} (${n}×)`)
    .join(', ');
  printNotes(
    `DynamoDB requests per turn: ${countRange(turns.map((turn) => turn.requests))} (p50 ${count(distribution(turns.map((turn) => turn.requests)).p50)}):`,
    '  store: claim (returns the conversation), query unsummarized messages (+1 page per 1 MB), put user message,',
    '  put assistant message, final update; ledger per model call: limits read + rate count + reservation',
    '  (parallel), settle: 1 event put + 3 rollup updates (parallel, pending; settled at the end); a sweep of expired',
    '  reservations (a read, pending) once a minute per tenant; a fold adds a second model call (its own limits read,',
    '  rate count, reservation and settle).',
    'Round trips on the path, one after another: claim (returns the conversation), template + query (parallel),',
    '  limits + rate count + reservation, put user message + put assistant message + final update (parallel; settle runs',
    "  beside them): 4 (5 with a fold). dynalite runs in this process, so DynamoDB time includes dynalite's own CPU",
    "  besides the SDK's (marshalling, SigV4, HTTP).",
    `Summary folds (history over ${count(cfg.CONVERSATION_HISTORY_TOKEN_BUDGET)} estimated tokens, keeping ${cfg.CONVERSATION_RECENT_MESSAGES} recent messages): ` +
      (summaryCalls > 0 ? `${count(summaryCalls)} record_summary calls, at ${foldAt};` : 'none happened;'),
    `  ${count(folding.length)} of ${count(turns.length)} measured turns folded; p99 is the ${count(Math.ceil(turns.length * 0.01))}th-slowest turn.`,
    `The META item read every turn is ${kb(metaBytes)}, of which the stored business context is ${kb(contextBytes)}.`,
    `Excluded: the business API (prefetched snapshot), model latency, the handler (auth, body parsing, response), log`,
    `  output (SILENT). Stage rows are per-stage busy time; settle overlaps the last store writes, so rows overlap.`,
    `Tenant ${tenantId} (fresh), topic ${TOPIC}, one user; business context of ${snapshotTenantId}. ${WARMUP_CONVERSATIONS} whole`,
    `  conversations (${WARMUP_CONVERSATIONS * TURNS} turns) unmeasured first; the opening turns (start) are not timed.`,
    `Correctness: the last conversation reads turn ${count(last.conversation.turn)} and ${count(lastMessages.length)} messages ` +
      `(expected ${expectedTurn} each); summarized through message ${last.conversation.summarizedThrough}; 0 phase corrections, 0 hand-offs.`,
    ...results.map(verdictLine),
  );
  return results;
};
