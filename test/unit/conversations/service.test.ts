import { join } from 'node:path';
import { OPENING_MESSAGE } from '../../../functions/conversations/prompt-context';
import { ModelCoach } from '../../../functions/conversations/model-coach';
import { ConversationService } from '../../../functions/conversations/service';
import { ConversationActivity, InMemoryConversationStats } from '../../../functions/conversations/stats';
import { InMemoryConversationStore } from '../../../functions/conversations/store';
import { TURN_HOLD_GRACE_MS, type ConversationSettings } from '../../../functions/conversations/turn-engine';
import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import type { Invocation } from '../../../functions/shared/invocation';
import { FilePromptStore } from '../../../functions/shared/prompts/file-prompt-store';
import type { PromptStore } from '../../../functions/shared/prompts/template';
import {
  ConflictError,
  InvalidCursorError,
  ModelTimeoutError,
  ModelUnavailableError,
  NotFoundError,
  PromptUnavailableError,
  UnprocessableError,
  UpstreamUnavailableError,
} from '../../../functions/shared/errors';
import { aConversation, aTurn } from '../../support/conversation-factory';
import { FixedBusinessData } from '../../support/fakes';
import { recordingLog, settleInvocation, silentLog, testInvocation } from '../../support/invocation';
import { memorySupportDesk } from '../../support/support-desk';
import { untilAborted } from '../../support/fake-language-model';
import { ScriptedModel } from '../../support/model-fakes';
import { testGateway } from '../../support/usage-fakes';
import { InMemoryUsageLedger } from '../../../functions/shared/usage/in-memory-usage-ledger';

const TENANT = 'acme-plumbing';
const START = new Date('2026-11-21T10:00:00.000Z');
const DAY = 86_400_000;
const SETTINGS: ConversationSettings = {
  idleDays: 30,
  outcomeRetentionDays: 730,
  recentMessages: 8,
  historyTokenBudget: 2500,
  contextMaxAgeMs: DAY,
};

const VALUES = {
  values: [
    { name: 'Show up on time', meaning: 'Customers plan their day around us.', behavior: 'We text 15 minutes out.' },
    { name: 'Own the outcome', meaning: 'A callback is ours to fix.', behavior: 'The original tech returns in a day.' },
    { name: 'Leave it cleaner', meaning: 'We treat homes as our own.', behavior: 'Drop cloths on every single job.' },
  ],
};

const turn = aTurn;
const opening = turn({ reply: 'Welcome! Let us find your core values.', phase: 'introduction', progress: 0.05 });
delete (opening as { intent?: unknown }).intent;

const snapshot = (tenantId: string): BusinessSnapshot => ({
  tenantId,
  fetchedAt: START.toISOString(),
  foundation: { businessName: 'Acme Plumbing', employeeCount: 12 },
  goals: [{ id: 'G-1', title: 'Open a second location', status: 'at_risk', progress: 35 }],
  gaps: [],
  dropped: {},
});

/** The prompts bundled in prompts/, where a topic can be made unavailable. */
class SwitchablePrompts implements PromptStore {
  readonly unavailable = new Set<string>();
  private readonly files = new FilePromptStore(join(__dirname, '../../../prompts'), { maxBytes: 100_000 }, silentLog);

  async active(topic: string) {
    if (this.unavailable.has(topic)) throw new PromptUnavailableError(`No template for ${topic}`);
    return this.files.active(topic);
  }
}

/** The service on the in-memory store, the bundled prompts and a real gateway over a scripted model. */
const setup = (settings: Partial<ConversationSettings> = {}) => {
  let now = START;
  const clock = () => now;
  const store = new InMemoryConversationStore(clock);
  const stats = new InMemoryConversationStats(clock);
  const model = new ScriptedModel();
  model.defaults.set('record_turn', turn());
  model.defaults.set('record_summary', { summary: 'The owner told long stories about the winter freeze.' });
  model.defaults.set('record_outcome', VALUES);
  const ledger = new InMemoryUsageLedger();
  const gateway = testGateway(model, ledger, clock, { defaultModelId: model.modelId, prices: {} });
  const businessData = new FixedBusinessData(snapshot);
  const { log, lines } = recordingLog();
  const support = memorySupportDesk(store, clock);
  const { handoff } = support;
  const prompts = new SwitchablePrompts();
  const service = new ConversationService({
    store,
    prompts,
    coach: new ModelCoach(gateway, prompts),
    businessData,
    handoff: support.desk,
    activity: new ConversationActivity(stats, 730),
    clock,
    settings: { ...SETTINGS, ...settings },
  });
  const as = (
    userId = 'owner-1',
    options: { tenantId?: string; isAdmin?: boolean; budgetMs?: number } = {},
  ): Invocation => testInvocation({ tenantId: TENANT, userId, log, ...options }).invocation;
  /** Opens a conversation of `invocation`'s caller with the scripted opening; its id. */
  const open = async (invocation = as()): Promise<string> => {
    model.enqueue('record_turn', opening);
    return (await service.start(invocation, 'core_values')).conversation.id;
  };
  return {
    service,
    store,
    model,
    ledger,
    businessData,
    handoff,
    tickets: support.tickets,
    prompts,
    lines,
    as,
    open,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
};

/** The texts of a conversation's stored messages, in order. */
const texts = async (store: InMemoryConversationStore, id: string): Promise<string[]> =>
  (await store.messages(TENANT, id)).map((message) => message.text);
/** The texts of a conversation after its opening and one answered reply with `text`. */
const answered = (text: string): string[] => [opening.reply, text, turn().reply];

/** A promise and the function that resolves it. */
const deferred = () => {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

describe('ConversationService.start', () => {
  it("opens a session with the business context and stores the coach's opening message", async () => {
    const { service, store, model, businessData, as } = setup();
    model.enqueue('record_turn', opening);

    const result = await service.start(as(), 'core_values');

    const stored = await store.get(TENANT, result.conversation.id);
    expect(result.conversation).toMatchObject({
      userId: 'owner-1',
      topic: 'core_values',
      promptVersion: 'v1.0',
      status: 'active',
      phase: 'introduction',
      turn: 1,
      exchanges: 0,
      expiresAt: new Date(START.getTime() + 30 * DAY).toISOString(),
    });
    expect(result.message).toMatchObject({ id: 'msg-1', seq: 1, role: 'assistant', text: opening.reply });
    expect(result.handoff).toBeUndefined();
    expect(stored).toEqual({
      conversation: result.conversation,
      context: { snapshot: snapshot(TENANT), fetchedAt: START.toISOString() },
      counted: true,
    });
    expect(await store.messages(TENANT, result.conversation.id)).toEqual([result.message]);
    expect(businessData.calls).toBe(1);
    const [request] = model.requestsFor('record_turn');
    expect(request?.messages).toEqual([{ role: 'user', text: OPENING_MESSAGE('core_values') }]);
    expect(request?.system).toContain('Acme Plumbing');
  });

  it('stores no conversation when the opening turn fails, so a retry leaves exactly one', async () => {
    const { service, store, model, as } = setup();
    model.enqueue('record_turn', new ModelUnavailableError('throttled'), new ModelUnavailableError('throttled'));

    const failures = await Promise.all([
      service.start(as(), 'core_values').catch((error: unknown) => error),
      service.start(as(), 'core_values').catch((error: unknown) => error),
    ]);
    const afterFailures = await service.list(as(), { pageSize: 10 });
    model.enqueue('record_turn', opening);
    const started = await service.start(as(), 'core_values');

    expect(failures.every((failure) => failure instanceof ModelUnavailableError)).toBe(true);
    expect(afterFailures.items).toEqual([]);
    expect([...store.items.keys()]).toEqual([`TENANT#${TENANT}#CONV#${started.conversation.id}`]);
    expect((await service.list(as(), { pageSize: 10 })).items.map((item) => item.id)).toEqual([
      started.conversation.id,
    ]);
  });

  it('stores no conversation when its opening answer cannot be stored, and writes a lost first message again', async () => {
    const { service, store, model, as } = setup();
    jest.spyOn(store, 'create').mockRejectedValueOnce(new Error('DynamoDB unreachable'));
    const failed = await service.start(as(), 'core_values').catch((error: unknown) => error);
    jest.spyOn(store, 'putMessage').mockRejectedValueOnce(new Error('DynamoDB unreachable'));
    model.enqueue('record_turn', opening);

    const started = await service.start(as(), 'core_values');

    expect(failed).toEqual(new Error('DynamoDB unreachable'));
    expect((await service.list(as(), { pageSize: 10 })).items.map((item) => item.id)).toEqual([
      started.conversation.id,
    ]);
    expect(await texts(store, started.conversation.id)).toEqual([opening.reply]);
  });

  it('meters the opening turn as a conversation request', async () => {
    const { service, ledger, as } = setup();
    const invocation = as();

    await service.start(invocation, 'core_values');
    await settleInvocation(invocation);

    expect(ledger.events().map((event) => [event.requestType, event.promptTopic])).toEqual([
      ['conversation', 'core_values'],
    ]);
  });
});

describe('ConversationService.reply', () => {
  it('stores the owner’s message and the answer, and moves the counters and the outcome so far', async () => {
    const { service, store, open, as, model } = setup();
    const id = await open();
    model.enqueue('record_turn', turn({ extracted: { values: [VALUES.values[0]] } }), turn({ extracted: {} }));

    const first = await service.reply(as(), id, 'We always show up on time.');
    const second = await service.reply(as(), id, 'And we own our mistakes.');

    expect(first.turn).toMatchObject({ phase: 'exploration', phaseCorrected: false, readyToComplete: false });
    expect(second.conversation).toMatchObject({ turn: 5, exchanges: 2, extracted: { values: [VALUES.values[0]] } });
    const messages = await store.messages(TENANT, id);
    expect(messages.map((message) => `${message.seq}:${message.role}`)).toEqual([
      '1:assistant',
      '2:user',
      '3:assistant',
      '4:user',
      '5:assistant',
    ]);
    expect(messages[3]?.text).toBe('And we own our mistakes.');
    expect((await store.get(TENANT, id))?.conversation).toEqual(second.conversation);
    const lastTurn = model.requestsFor('record_turn').at(-1);
    expect(lastTurn?.messages.map((message) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
  });

  it('streams the reply text as the model writes it', async () => {
    const { service, open, as, model } = setup();
    const id = await open();
    model.enqueue('record_turn', turn({ reply: 'A "quoted" reply\nover two lines.' }));
    const pieces: string[] = [];

    await service.reply(as(), id, 'Hello', (text) => pieces.push(text));

    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join('')).toBe('A "quoted" reply\nover two lines.');
  });

  it('corrects a phase jump, and goes back only when the owner asks to revisit', async () => {
    const { service, open, as, model, lines } = setup();
    const id = await open();
    model.enqueue(
      'record_turn',
      turn({ phase: 'validation' }),
      turn({ phase: 'introduction' }),
      turn({ phase: 'introduction' }),
    );

    const jump = await service.reply(as(), id, 'We care about being on time.');
    const backward = await service.reply(as(), id, 'And cleanliness.');
    const revisit = await service.reply(as(), id, 'Can we go back to the start?');

    expect([jump.turn, backward.turn, revisit.turn].map((t) => [t.phase, t.phaseCorrected])).toEqual([
      ['exploration', true],
      ['exploration', true],
      ['introduction', false],
    ]);
    expect(lines.filter((line) => line.message === 'illegal phase move corrected')).toHaveLength(2);
  });

  it("counts readyToComplete only once the template's criteria are met", async () => {
    const { service, open, as, model } = setup();
    const id = await open();
    model.defaults.set('record_turn', turn({ readyToComplete: true, extracted: VALUES }));

    const ready: boolean[] = [];
    for (let i = 1; i <= 6; i += 1) ready.push((await service.reply(as(), id, `Story ${i}`)).turn.readyToComplete);

    expect(ready).toEqual([false, false, false, false, false, true]);
  });

  it('folds older messages into the running summary past the token budget, keeping the recent ones verbatim', async () => {
    const { service, store, open, as, model } = setup({ historyTokenBudget: 120, recentMessages: 2 });
    const id = await open();
    const story = 'The pipes froze all over town and the whole team worked through the night. '.repeat(3);

    for (let i = 0; i < 4; i += 1) await service.reply(as(), id, `${i}: ${story}`);

    const stored = (await store.get(TENANT, id))?.conversation;
    expect(model.requestsFor('record_summary').length).toBeGreaterThan(0);
    expect(stored?.summary).toBe('The owner told long stories about the winter freeze.');
    expect(stored?.summarizedThrough).toBeGreaterThan(0);
    const lastTurn = model.requestsFor('record_turn').at(-1);
    expect(lastTurn?.messages.map((message) => message.text.slice(0, 2))).toEqual(['1:', 'Te', '2:', 'Te', '3:']);
    expect(lastTurn?.system).toContain('winter freeze');
  });

  it('folds by cutting the transcript when the summary call cannot be made', async () => {
    const { service, store, open, as, prompts, lines } = setup({ historyTokenBudget: 60, recentMessages: 2 });
    const id = await open();
    prompts.unavailable.add('conversation_summary');

    for (let i = 0; i < 3; i += 1) await service.reply(as(), id, `Story ${i}: ${'a long day at work '.repeat(8)}`);

    const stored = (await store.get(TENANT, id))?.conversation;
    expect(stored?.summary).toContain('Owner: Story 0');
    expect(stored?.summarizedThrough).toBeGreaterThan(0);
    expect(lines.some((line) => line.message === 'summary call failed; folding the transcript')).toBe(true);
  });

  it('folds by cutting the transcript when the summary answer stays invalid', async () => {
    const { service, store, open, as, model } = setup({ historyTokenBudget: 60, recentMessages: 2 });
    const id = await open();
    model.defaults.set('record_summary', { summary: '' });

    for (let i = 0; i < 3; i += 1) await service.reply(as(), id, `Story ${i}: ${'a long day at work '.repeat(8)}`);

    expect((await store.get(TENANT, id))?.conversation.summary).toContain('Coach: ');
  });

  it('gives a racing reply 409 before it calls the model or writes a message', async () => {
    const { service, store, open, as, model } = setup();
    const id = await open();
    const gate = deferred();
    const inModel = deferred();
    model.beforeAnswer = async () => {
      inModel.resolve();
      await gate.promise;
    };

    const first = service.reply(as(), id, 'Reply A');
    await inModel.promise;
    const second = await service.reply(as(), id, 'Reply B').catch((error: unknown) => error);
    const callsWhenRefused = model.requests.length;
    gate.resolve();
    await first;

    expect(second).toBeInstanceOf(ConflictError);
    expect((second as ConflictError).message).toMatch(/in progress/);
    expect(callsWhenRefused).toBe(2);
    expect((await store.messages(TENANT, id)).map((message) => message.text)).not.toContain('Reply B');
  });

  it('lets the next reply through at once after a turn whose model call failed', async () => {
    const { service, store, open, as, model } = setup();
    const id = await open();
    model.defaults.set('record_turn', new ModelUnavailableError('throttled'));

    const failed = await service.reply(as(), id, 'This one fails').catch((error: unknown) => error);
    model.defaults.set('record_turn', turn());
    const retried = await service.reply(as(), id, 'Trying again');

    expect(failed).toBeInstanceOf(ModelUnavailableError);
    expect(retried.conversation.turn).toBe(3);
    expect((await store.messages(TENANT, id)).map((message) => `${message.role}:${message.text}`)).toEqual([
      `assistant:${opening.reply}`,
      'user:Trying again',
      `assistant:${turn().reply}`,
    ]);
  });

  it('gives the hold back when the answer stays invalid after the repair round', async () => {
    const { service, open, as, model } = setup();
    const id = await open();
    model.enqueue('record_turn', { reply: '' }, { reply: '' });

    const failed = await service.reply(as(), id, 'Hello').catch((error: unknown) => error);
    const retried = await service.reply(as(), id, 'Hello again');

    expect(failed).toBeInstanceOf(UpstreamUnavailableError);
    expect(retried.message.seq).toBe(3);
  });

  it("writes the owner's message again when its write failed while the turn moved on", async () => {
    const { service, store, open, as } = setup();
    const id = await open();
    jest.spyOn(store, 'putMessage').mockRejectedValueOnce(new Error('DynamoDB unreachable'));

    const result = await service.reply(as(), id, 'Kept');

    expect(result.conversation.turn).toBe(3);
    expect(await texts(store, id)).toEqual(answered('Kept'));
  });

  it('fails the turn when the answer cannot be stored even the second time, and lets the owner send again', async () => {
    const { service, store, open, as } = setup();
    const id = await open();
    const putMessage = store.putMessage.bind(store);
    jest
      .spyOn(store, 'putMessage')
      .mockImplementationOnce(putMessage)
      .mockRejectedValueOnce(new Error('DynamoDB unreachable'))
      .mockRejectedValueOnce(new Error('DynamoDB still unreachable'));

    const failed = await service.reply(as(), id, 'Answer lost').catch((error: unknown) => error);
    const retried = await service.reply(as(), id, 'Again');

    expect(failed).toEqual(new Error('DynamoDB still unreachable'));
    expect(retried.message.seq).toBe(5);
  });

  it('stores nothing of a turn whose state could not be written, and frees its hold', async () => {
    const { service, store, open, as } = setup();
    const id = await open();
    jest.spyOn(store, 'finishTurn').mockRejectedValueOnce(new Error('DynamoDB unreachable'));

    const failed = await service.reply(as(), id, 'Not stored').catch((error: unknown) => error);
    const conversation = (await store.get(TENANT, id))?.conversation;
    const visible = await service.get(as(), id, { pageSize: 10 });
    const retried = await service.reply(as(), id, 'Stored');

    expect(failed).toEqual(new Error('DynamoDB unreachable'));
    expect(conversation?.turn).toBe(1);
    expect(visible.messages.map((message) => message.text)).toEqual([opening.reply]);
    expect(await texts(store, id)).toEqual(answered('Stored'));
    expect(retried.conversation.turn).toBe(3);
  });

  it('logs a hold that cannot be given back, and fails with the error of the turn', async () => {
    const { service, store, open, as, model, lines } = setup();
    const id = await open();
    model.defaults.set('record_turn', new ModelUnavailableError('down'));
    jest.spyOn(store, 'releaseTurn').mockRejectedValueOnce(new Error('DynamoDB unreachable'));

    const failed = await service.reply(as(), id, 'Hello').catch((error: unknown) => error);

    expect(failed).toBeInstanceOf(ModelUnavailableError);
    expect(lines.some((line) => line.message === 'turn hold not released; it lapses by itself')).toBe(true);
  });

  it('refuses the answer when the turn was taken over while the coach was answering (the hold had lapsed)', async () => {
    const { service, store, open, as, model, advance } = setup();
    const id = await open();
    model.beforeAnswer = async () => {
      model.beforeAnswer = async () => undefined;
      advance(29_000 + TURN_HOLD_GRACE_MS + 1);
      await service.reply(as(), id, 'Sent again after the hold lapsed');
    };

    const slow = await service.reply(as(), id, 'Slow').catch((error: unknown) => error);

    expect(slow).toBeInstanceOf(ConflictError);
    expect((slow as ConflictError).message).toMatch(/changed while the coach was answering/);
    expect((await store.get(TENANT, id))?.conversation.turn).toBe(3);
    expect(await texts(store, id)).toEqual(answered('Sent again after the hold lapsed'));
  });

  it('holds the conversation until shortly after the invocation’s deadline, and no longer', async () => {
    const { service, store, open, as, model } = setup();
    const id = await open();
    let heldUntil: unknown;
    model.beforeAnswer = async () => {
      heldUntil = store.items.get(`TENANT#${TENANT}#CONV#${id}`)?.get('META')?.busyUntil;
    };

    await service.reply(as('owner-1', { budgetMs: 10_000 }), id, 'Hello');

    expect(heldUntil).toBeGreaterThan(START.getTime() + 10_000 + TURN_HOLD_GRACE_MS - 1_000);
    expect(heldUntil).toBeLessThanOrEqual(START.getTime() + 10_000 + TURN_HOLD_GRACE_MS);
    expect(store.items.get(`TENANT#${TENANT}#CONV#${id}`)?.get('META')?.busyUntil).toBe(0);
  });

  it('answers a hung model with ModelTimeoutError at the deadline, frees the hold at once and stores nothing', async () => {
    const { service, store, open, as, model } = setup();
    const id = await open();
    model.beforeAnswer = async (request) => {
      model.beforeAnswer = async () => undefined;
      await untilAborted(request);
    };
    const invocation = as('owner-1', { budgetMs: 1_500 });

    const failed = await service.reply(invocation, id, 'Lost in the hang').catch((error: unknown) => error);
    const pastDeadline = Date.now() - invocation.deadline.at;
    const retried = await service.reply(as(), id, 'Sent again');

    expect(failed).toBeInstanceOf(ModelTimeoutError);
    // Within the margin the transports keep after the deadline (1 s before the function's own limit).
    expect(pastDeadline).toBeLessThan(1_000);
    expect(retried.conversation.turn).toBe(3);
    expect(await texts(store, id)).toEqual(answered('Sent again'));
  });

  it('stores nothing when the turn runs past its deadline before its answer is stored', async () => {
    const { service, store, open, as, model } = setup();
    const id = await open();
    const invocation = as();
    const left = { ms: 10_000 };
    const steered = { ...invocation, deadline: { at: invocation.deadline.at, remainingMs: () => left.ms } };
    model.beforeAnswer = async () => {
      model.beforeAnswer = async () => undefined;
      left.ms = 0;
    };

    const failed = await service.reply(steered, id, 'Too late').catch((error: unknown) => error);
    const retried = await service.reply(as(), id, 'In time');

    expect(failed).toBeInstanceOf(ModelTimeoutError);
    expect(await texts(store, id)).toEqual(answered('In time'));
    expect(retried.conversation.turn).toBe(3);
  });

  it('blocks replies to a turn killed without releasing its hold only until shortly after its deadline', async () => {
    const { service, store, open, as, model, advance } = setup();
    const id = await open();
    const inModel = deferred();
    model.beforeAnswer = async () => {
      model.beforeAnswer = async () => undefined;
      inModel.resolve();
      // The function is killed here: the call never returns, nothing is released.
      await new Promise(() => undefined);
    };
    void service.reply(as('owner-1', { budgetMs: 10_000 }), id, 'Killed mid-turn');
    await inModel.promise;

    const whileHeld = await service.reply(as(), id, 'Too soon').catch((error: unknown) => error);
    advance(10_000 + TURN_HOLD_GRACE_MS - 1_000);
    const justBefore = await service.reply(as(), id, 'Still too soon').catch((error: unknown) => error);
    advance(1_001);
    const after = await service.reply(as(), id, 'After the hold');

    expect(whileHeld).toBeInstanceOf(ConflictError);
    expect(justBefore).toBeInstanceOf(ConflictError);
    expect(after.conversation.turn).toBe(3);
    expect(await texts(store, id)).toEqual(answered('After the hold'));
  });

  it.each([
    ["another user's conversation", 'colleague', TENANT, true],
    ['an unknown conversation', 'owner-1', TENANT, false],
    ["another tenant's conversation", 'owner-1', 'northwind-saas', true],
  ])('answers 404 to a reply to %s', async (_case, userId, tenantId, sameId) => {
    const { service, open, as, model } = setup();
    const id = await open();

    const refused = service.reply(as(userId, { tenantId }), sameId ? id : '00000000-0000-0000-0000-000000000000', 'Hi');

    await expect(refused).rejects.toBeInstanceOf(NotFoundError);
    expect(model.requestsFor('record_turn')).toHaveLength(1);
  });

  it('answers 404 to a reply to a conversation past its expiry', async () => {
    const { service, open, as, advance } = setup();
    const id = await open();
    advance(30 * DAY);

    await expect(service.reply(as(), id, 'Still there?')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a conversation alive while it is used: each turn moves its expiry', async () => {
    const { service, open, as, advance } = setup();
    const id = await open();
    advance(20 * DAY);
    await service.reply(as(), id, 'Still here.');
    advance(20 * DAY);

    const later = await service.reply(as(), id, 'Still here, weeks later.');

    expect(later.conversation.expiresAt).toBe(new Date(START.getTime() + 70 * DAY).toISOString());
  });

  it('reads the business context again when it is older than a day, and keeps the new one', async () => {
    const { service, store, open, as, advance, businessData } = setup();
    const id = await open();
    advance(DAY / 2);
    await service.reply(as(), id, 'Within the day.');
    advance(DAY);

    await service.reply(as(), id, 'The next day.');

    expect(businessData.calls).toBe(2);
    expect((await store.get(TENANT, id))?.context?.fetchedAt).toBe(new Date(START.getTime() + 1.5 * DAY).toISOString());
  });

  it('reads the business context for a conversation stored without one, and keeps it', async () => {
    const { service, store, as, businessData } = setup();
    const conversation = aConversation(START, { tenantId: TENANT, userId: 'owner-1' });
    await store.create(conversation, undefined);

    await service.reply(as(), conversation.id, 'Hello');

    expect(businessData.calls).toBe(1);
    expect((await store.get(TENANT, conversation.id))?.context).toEqual({
      snapshot: snapshot(TENANT),
      fetchedAt: START.toISOString(),
    });
  });

  it('offers a human when the owner escalates: a ticket with the recent history, and the hand-off naming it', async () => {
    const { service, open, as, model, handoff, tickets } = setup();
    const id = await open();
    model.enqueue('record_turn', turn({ intent: { type: 'escalate', confidence: 0.95, entities: [] } }));

    const result = await service.reply(as(), id, 'I want to talk to a real person.');

    expect(result.handoff).toEqual({ offered: true, reason: 'escalate' });
    expect(result.conversation.handoffRequestedAt).toBe(START.toISOString());
    expect(handoff.published).toEqual([
      expect.objectContaining({
        conversationId: id,
        userId: 'owner-1',
        reason: 'escalate',
        lastUserMessage: 'I want to talk to a real person.',
        ticketId: expect.any(String),
      }),
    ]);
    const ticket = await tickets.get(TENANT, handoff.published[0]!.ticketId!, START);
    expect(ticket).toMatchObject({
      userId: 'owner-1',
      conversationId: id,
      category: 'coaching',
      priority: 'high',
      status: 'open',
      department: 'coaching',
    });
    expect(ticket?.history.map((message) => [message.role, message.content])).toEqual([
      ['assistant', opening.reply],
      ['user', 'I want to talk to a real person.'],
      ['assistant', result.message.text],
    ]);
  });

  it('offers a human after two unsure classifications in a row, and starts counting again', async () => {
    const { service, open, as, model, handoff, tickets } = setup();
    const id = await open();
    const unsure = turn({ intent: { type: 'off_topic', confidence: 0.3, entities: [] } });
    model.enqueue('record_turn', unsure, turn(), unsure, unsure, unsure);

    const offers = [];
    for (let i = 0; i < 5; i += 1) offers.push((await service.reply(as(), id, 'Hmm.')).handoff?.reason);

    expect(offers).toEqual([undefined, undefined, undefined, 'low_confidence', undefined]);
    expect(handoff.published.map((event) => event.reason)).toEqual(['low_confidence']);
    expect(await tickets.get(TENANT, handoff.published[0]!.ticketId!, START)).toMatchObject({
      priority: 'normal',
      conversationId: id,
    });
  });

  it('still answers when the hand-off cannot be opened, and logs it', async () => {
    const { service, open, as, model, handoff, tickets, lines } = setup();
    const id = await open();
    jest.spyOn(tickets, 'create').mockRejectedValueOnce(new Error('table unreachable'));
    model.enqueue('record_turn', turn({ intent: { type: 'escalate', confidence: 0.95, entities: [] } }));

    const result = await service.reply(as(), id, 'A person, please.');

    expect(result.handoff?.reason).toBe('escalate');
    expect(lines.some((line) => line.level === 'error' && line.message.startsWith('hand-off not opened'))).toBe(true);
    expect(handoff.published).toEqual([]);
  });
});

describe('ConversationService pause and resume', () => {
  it('keeps the state while paused, refuses replies, and resumes with a recap of where it stood', async () => {
    const { service, open, as, model } = setup();
    const id = await open();
    model.enqueue('record_turn', turn({ extracted: { values: [VALUES.values[0]] } }));
    await service.reply(as(), id, 'Punctuality matters to us.');

    const paused = await service.pause(as(), id);
    const whilePaused = await service.reply(as(), id, 'Another thought.').catch((error: unknown) => error);
    const pausedAgain = await service.pause(as(), id).catch((error: unknown) => error);
    const resumed = await service.resume(as(), id);

    expect(paused.status).toBe('paused');
    expect(whilePaused).toBeInstanceOf(ConflictError);
    expect((whilePaused as ConflictError).message).toBe('The conversation is paused; this needs it active');
    expect(pausedAgain).toBeInstanceOf(ConflictError);
    expect(resumed.conversation.status).toBe('active');
    expect(resumed.recap.split('\n')).toEqual([
      'Welcome back. We were in the exploration phase, about 20% of the way.',
      `What we have drafted: ${JSON.stringify({ values: [VALUES.values[0]] })}`,
      `Where we left off: ${turn().reply}`,
    ]);
  });

  it('recaps the summary when there is one, and refuses to resume an active conversation', async () => {
    const { service, store, open, as } = setup();
    const id = await open();
    await store.update(TENANT, id, 1, { summary: 'We talked about the freeze.', status: 'paused' });

    const resumed = await service.resume(as(), id);
    const again = await service.resume(as(), id).catch((error: unknown) => error);

    expect(resumed.recap).toContain('So far: We talked about the freeze.');
    expect(resumed.recap).not.toContain('What we have drafted');
    expect(again).toBeInstanceOf(ConflictError);
  });

  it('refuses a status change that lost a race with a turn', async () => {
    const { service, store, open, as } = setup();
    const id = await open();
    jest.spyOn(store, 'update').mockResolvedValueOnce(false);

    await expect(service.pause(as(), id)).rejects.toThrow('The conversation changed meanwhile; reload it');
  });
});

describe('ConversationService.complete and saveOutcome', () => {
  /** A conversation with six exchanges and the values extracted. */
  const readySession = async (h: ReturnType<typeof setup>): Promise<string> => {
    const id = await h.open();
    h.model.defaults.set('record_turn', turn({ extracted: VALUES, readyToComplete: true }));
    for (let i = 1; i <= 6; i += 1) await h.service.reply(h.as(), id, `Story ${i} about the team at its best.`);
    return id;
  };

  it("adds every model call to the conversation's usage: turns, repair rounds, summaries and the outcome", async () => {
    const h = setup({ historyTokenBudget: 60, recentMessages: 2 });
    h.model.enqueue('record_turn', opening, { reply: '' });
    const id = (await h.service.start(h.as(), 'core_values')).conversation.id;
    const repaired = await h.service.reply(h.as(), id, 'A reply whose first answer needs a repair round.');
    for (let i = 0; i < 5; i += 1) {
      await h.service.reply(h.as(), id, `Story ${i}: a long story that pushes the history over its budget.`);
    }
    h.model.defaults.set('record_turn', turn({ extracted: VALUES }));
    await h.service.reply(h.as(), id, 'The last story.');
    const calls = () => h.model.requests.length;
    const beforeOutcome = calls();

    const completed = await h.service.complete(h.as(), id);

    const perCall = { inputTokens: 1200, outputTokens: 300 };
    expect(repaired.conversation.usage).toMatchObject({ inputTokens: 3 * 1200, outputTokens: 3 * 300 });
    expect(h.model.requestsFor('record_summary').length).toBeGreaterThan(0);
    expect(calls() - beforeOutcome).toBe(1);
    expect(completed.conversation.usage).toEqual({
      inputTokens: calls() * perCall.inputTokens,
      outputTokens: calls() * perCall.outputTokens,
      costUsd: 0,
    });
    expect((await h.store.get(TENANT, id))?.conversation.usage).toEqual(completed.conversation.usage);
  });

  it('refuses to complete before the criteria are met, naming what is missing', async () => {
    const { service, open, as, model } = setup();
    const id = await open();
    await service.reply(as(), id, 'On time, always.');

    const refused = await service.complete(as(), id).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(UnprocessableError);
    expect(refused).toMatchObject({
      statusCode: 422,
      code: 'not_ready',
      problems: [
        { field: 'conversation', message: 'needs at least 6 exchanges (so far 1)' },
        { field: 'conversation', message: "needs the outcome's values" },
      ],
    });
    expect(model.requestsFor('record_outcome')).toHaveLength(0);
  });

  it('extracts the outcome into the topic schema and keeps it for the owner, for the retention period', async () => {
    const h = setup();
    const id = await readySession(h);
    h.advance(DAY);

    const completed = await h.service.complete(h.as(), id);

    expect(completed.outcome).toEqual(VALUES);
    expect(completed.conversation).toMatchObject({
      status: 'completed',
      phase: 'completion',
      progress: 1,
      outcome: VALUES,
      outcomeStatus: 'proposed',
      expiresAt: new Date(START.getTime() + 731 * DAY).toISOString(),
    });
    expect((await h.store.get(TENANT, id))?.conversation).toEqual(completed.conversation);
    const [extraction] = h.model.requestsFor('record_outcome');
    expect(extraction?.messages[0]?.text).toContain('Story 6 about the team');
  });

  it('repairs an invalid extraction with one more round, and fails when it stays invalid', async () => {
    const h = setup();
    const id = await readySession(h);
    const invalid = { values: VALUES.values.slice(0, 1) };
    h.model.enqueue('record_outcome', invalid, invalid);

    const failed = await h.service.complete(h.as(), id).catch((error: unknown) => error);
    h.model.enqueue('record_outcome', invalid, VALUES);
    const repaired = await h.service.complete(h.as(), id);

    expect(failed).toBeInstanceOf(UpstreamUnavailableError);
    expect(repaired.outcome).toEqual(VALUES);
    expect(h.model.requestsFor('record_outcome')).toHaveLength(4);
  });

  it('accepts the proposed outcome, or takes a valid edit, and refuses an invalid one naming the fields', async () => {
    const h = setup();
    const id = await readySession(h);
    await h.service.complete(h.as(), id);
    const edit = { values: VALUES.values.map((value) => ({ ...value, name: `${value.name}!` })) };

    const accepted = await h.service.saveOutcome(h.as(), id, { accept: true });
    const edited = await h.service.saveOutcome(h.as(), id, { outcome: edit, accept: false });
    const invalid = await h.service
      .saveOutcome(h.as(), id, { outcome: { values: [{ name: 'x' }] }, accept: true })
      .catch((error: unknown) => error);

    expect(accepted).toMatchObject({ outcome: VALUES, outcomeStatus: 'accepted' });
    expect(edited).toMatchObject({ outcome: edit, outcomeStatus: 'proposed' });
    expect(invalid).toMatchObject({ statusCode: 422, code: 'invalid_outcome' });
    expect((invalid as UnprocessableError).problems.map((problem) => problem.field)).toEqual(
      expect.arrayContaining(['outcome.values', 'outcome.values.0.name', 'outcome.values.0.meaning']),
    );
  });

  it('saves an outcome only of a completed conversation, and completes only an active one', async () => {
    const { service, open, as } = setup();
    const id = await open();
    await service.pause(as(), id);

    await expect(service.saveOutcome(as(), id, { accept: true })).rejects.toBeInstanceOf(ConflictError);
    await expect(service.complete(as(), id)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('ConversationService feedback and delete', () => {
  it("stores feedback on the coach's message only", async () => {
    const { service, store, open, as } = setup();
    const id = await open();
    await service.reply(as(), id, 'Quality first.');

    await service.feedback(as(), id, 'msg-1', { thumbs: 'up', rating: 5, comment: 'Spot on' });
    const refused = await Promise.allSettled([
      service.feedback(as(), id, 'msg-2', { thumbs: 'down' }),
      service.feedback(as(), id, 'message-3', { thumbs: 'down' }),
      service.feedback(as('colleague'), id, 'msg-1', { thumbs: 'down' }),
    ]);

    expect(refused).toEqual(Array(3).fill({ status: 'rejected', reason: expect.any(NotFoundError) }));
    const [coach, owner] = await store.messages(TENANT, id);
    expect(coach?.feedback).toEqual({ thumbs: 'up', rating: 5, comment: 'Spot on', at: START.toISOString() });
    expect(owner?.feedback).toBeUndefined();
  });

  it('deletes a conversation with its messages; nobody else can', async () => {
    const { service, store, open, as } = setup();
    const id = await open();

    const refused = await Promise.allSettled([
      service.remove(as('colleague'), id),
      service.remove(as('boss', { isAdmin: true }), id),
    ]);
    await service.remove(as(), id);

    expect(refused).toEqual(Array(2).fill({ status: 'rejected', reason: expect.any(NotFoundError) }));
    expect(await store.get(TENANT, id)).toBeUndefined();
    expect(await store.messages(TENANT, id)).toEqual([]);
    await expect(service.get(as(), id, { pageSize: 10 })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('ConversationService list and get', () => {
  it("pages a user's conversations newest first with a cursor, keeping users and tenants apart", async () => {
    const h = setup();
    const own: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      own.push(await h.open());
      h.advance(1000);
    }
    const colleagues = await h.open(h.as('colleague'));
    const otherTenant = await h.open(h.as('owner-1', { tenantId: 'northwind-saas' }));

    const first = await h.service.list(h.as(), { pageSize: 2 });
    const second = await h.service.list(h.as(), { pageSize: 2, ...(first.cursor ? { cursor: first.cursor } : {}) });
    const colleague = await h.service.list(h.as('colleague'), { pageSize: 10 });
    const borrowed = await h.service
      .list(h.as('colleague'), { pageSize: 2, cursor: first.cursor ?? '' })
      .catch((error: unknown) => error);
    const northwind = await h.service.list(h.as('owner-1', { tenantId: 'northwind-saas' }), { pageSize: 10 });

    expect(first).toMatchObject({ pageSize: 2, cursor: expect.any(String) });
    expect([...first.items, ...second.items].map((item) => item.id)).toEqual([...own].reverse());
    expect(second.cursor).toBeUndefined();
    expect(colleague.items.map((item) => item.id)).toEqual([colleagues]);
    expect(borrowed).toBeInstanceOf(InvalidCursorError);
    expect(northwind.items.map((item) => item.id)).toEqual([otherTenant]);
  });

  it("shows a tenant admin the whole tenant's list, filtered, and no other tenant's", async () => {
    const h = setup();
    const mine = await h.open();
    h.advance(1000);
    const colleagues = await h.open(h.as('colleague'));
    await h.service.pause(h.as('colleague'), colleagues);
    await h.open(h.as('owner-1', { tenantId: 'northwind-saas' }));

    const all = await h.service.list(h.as('boss', { isAdmin: true }), { pageSize: 10 });
    const paused = await h.service.list(h.as('boss', { isAdmin: true }), { pageSize: 10, status: 'paused' });
    const vision = await h.service.list(h.as('boss', { isAdmin: true }), { pageSize: 10, topic: 'vision' });

    expect(all.items.map((item) => item.id)).toEqual([colleagues, mine]);
    expect(paused.items.map((item) => item.id)).toEqual([colleagues]);
    expect(vision.items).toEqual([]);
  });

  it('shows one conversation with a page of its messages to its owner and a tenant admin, and 404 to others', async () => {
    const { service, open, as } = setup();
    const id = await open();
    for (let i = 0; i < 2; i += 1) await service.reply(as(), id, `Message ${i}`);

    const first = await service.get(as(), id, { pageSize: 2 });
    const page = await service.get(as(), id, { pageSize: 2, cursor: first.cursor ?? '' });
    const last = await service.get(as(), id, { pageSize: 2, cursor: page.cursor ?? '' });
    const byAdmin = await service.get(as('boss', { isAdmin: true }), id, { pageSize: 10 });
    const byColleague = service.get(as('colleague'), id, { pageSize: 10 });

    expect(page.messages.map((message) => message.seq)).toEqual([3, 4]);
    expect(page).toMatchObject({ pageSize: 2, cursor: expect.any(String), totalMessages: 5 });
    expect(last.messages.map((message) => message.seq)).toEqual([5]);
    expect(last.cursor).toBeUndefined();
    expect(byAdmin.messages).toHaveLength(5);
    await expect(byColleague).rejects.toBeInstanceOf(NotFoundError);
  });
});
