import { join } from 'node:path';
import { memorySupportDesk } from '../../support/support-desk';
import type { ConversationTopic } from '../../../functions/conversations/model';
import { OfflineCoach } from '../../../functions/conversations/offline-coach';
import { ConversationService } from '../../../functions/conversations/service';
import { ConversationActivity, InMemoryConversationStats } from '../../../functions/conversations/stats';
import { InMemoryConversationStore } from '../../../functions/conversations/store';
import { FilePromptStore } from '../../../functions/shared/prompts/file-prompt-store';
import type { PromptStore, PromptTemplate } from '../../../functions/shared/prompts/template';
import { UnprocessableError } from '../../../functions/shared/errors';
import { FixedBusinessData } from '../../support/fakes';
import { silentLog, testInvocation } from '../../support/invocation';

const TENANT = 'acme-plumbing';
const START = new Date('2026-11-21T10:00:00.000Z');

/**
 * The service on the offline coach, the in-memory store and the bundled prompts (with `completion` criteria changed
 * when given); `talk` sends messages in turn.
 */
const setup = (completion: Partial<NonNullable<PromptTemplate['completion']>> = {}) => {
  const clock = () => START;
  const store = new InMemoryConversationStore(clock);
  const stats = new InMemoryConversationStats(clock);
  const files = new FilePromptStore(join(__dirname, '../../../prompts'), { maxBytes: 100_000 }, silentLog);
  const prompts: PromptStore = {
    active: async (topic) => {
      const template = await files.active(topic);
      return template.completion ? { ...template, completion: { ...template.completion, ...completion } } : template;
    },
  };
  const service = new ConversationService({
    store,
    prompts,
    coach: new OfflineCoach(),
    businessData: new FixedBusinessData((tenantId) => ({
      tenantId,
      fetchedAt: START.toISOString(),
      foundation: { businessName: 'Acme Plumbing' },
      goals: [{ id: 'G-1', title: 'Open a second location', status: 'at_risk', progress: 35 }],
      gaps: [],
      dropped: {},
    })),
    handoff: memorySupportDesk(store, clock).desk,
    activity: new ConversationActivity(stats, 730),
    clock,
    settings: {
      idleDays: 30,
      outcomeRetentionDays: 730,
      recentMessages: 8,
      historyTokenBudget: 2500,
      contextMaxAgeMs: 86_400_000,
    },
  });
  const invocation = () => testInvocation({ tenantId: TENANT, userId: 'owner-1' }).invocation;
  const open = async (topic: ConversationTopic) => (await service.start(invocation(), topic)).conversation.id;
  const talk = async (id: string, ...messages: string[]) => {
    const turns = [];
    for (const message of messages) turns.push(await service.reply(invocation(), id, message));
    return turns;
  };
  return { service, store, invocation, open, talk };
};

const STORIES = ['The crew worked through the freeze.', 'Maria in dispatch.', 'Blaming colleagues.'];
const VALUES =
  'Show up on time: customers plan their day around us: we text 15 minutes out\n' +
  'Own the outcome: a callback is ours to fix: the original tech returns within a day\n' +
  'Leave it cleaner: we treat homes as our own: drop cloths on every job';

describe('OfflineCoach', () => {
  it("uses the business context in its questions: the company's name, a goal at risk", async () => {
    const { service, invocation } = setup();

    const values = await service.start(invocation(), 'core_values');
    const coaching = await service.start(invocation(), 'business_coaching');

    expect(values.message.text).toContain('the team at Acme Plumbing was at its best');
    expect(coaching.message.text).toContain('your goal “Open a second location” is at risk');
  });

  it('asks again, for the part that is missing, until every value has a meaning and a behavior', async () => {
    const { open, talk } = setup();
    const id = await open('core_values');

    const [fewer, incomplete, completed] = await talk(
      id,
      ...STORIES,
      'Honesty, hustle',
      'Heart',
      'We say the hard thing early: we call the customer before they call us',
    ).then((turns) => turns.slice(3));

    expect(fewer?.message.text).toContain('So far I have “Honesty”, “hustle”');
    expect(fewer?.message.provenance?.step).toBe('values#more');
    expect(incomplete?.message.text).toContain('What does “Honesty” mean in your company');
    expect(incomplete?.message.provenance?.step).toBe('values#0');
    expect(completed?.turn.extracted.values).toEqual([
      {
        name: 'Honesty',
        meaning: 'We say the hard thing early.',
        behavior: 'We call the customer before they call us.',
      },
      { name: 'hustle' },
      { name: 'Heart' },
    ]);
    expect(completed?.message.text).toContain('What does “hustle” mean');
  });

  it('reads a one-line value whose words include "and" as one value, not as a list of names', async () => {
    const { open, talk } = setup();
    const id = await open('core_values');

    const [phrase, list] = await talk(
      id,
      ...STORIES,
      "Respect for the homeowner's time and house",
      'Grit and heart',
    ).then((turns) => turns.slice(3));

    expect(phrase?.turn.extracted.values).toEqual([{ name: "Respect for the homeowner's time and house" }]);
    expect(list?.turn.extracted.values).toEqual([
      { name: "Respect for the homeowner's time and house" },
      { name: 'Grit' },
      { name: 'heart' },
    ]);
  });

  it('gives an example and asks the same question when the owner asks for help', async () => {
    const { open, talk } = setup();
    const id = await open('core_values');
    await talk(id, ...STORIES);

    const [help] = await talk(id, 'Can you give me an example?');

    expect(help?.message.text).toContain('Own the outcome');
    expect(help?.message.provenance?.step).toBe('values');
    expect(help?.turn.extracted).toEqual({});
  });

  it('changes the draft as the owner writes at a confirmation, and removes a value on request', async () => {
    const { open, talk } = setup();
    const id = await open('core_values');
    await talk(id, ...STORIES, VALUES);

    const [changed, removed] = await talk(
      id,
      'Own the outcome: a callback is ours to fix: the same tech goes back the next morning',
      'remove Leave it cleaner',
    );

    expect(changed?.message.text).toContain('I changed the draft');
    expect(changed?.turn.extracted.values).toContainEqual({
      name: 'Own the outcome',
      meaning: 'A callback is ours to fix.',
      behavior: 'The same tech goes back the next morning.',
    });
    expect((removed?.turn.extracted.values as { name: string }[]).map((value) => value.name)).toEqual([
      'Show up on time',
      'Own the outcome',
    ]);
    expect(removed?.turn.phase).toBe('synthesis');
  });

  it('follows the template’s completion criteria: asks more of its checks while the exchanges are short', async () => {
    const { open, talk } = setup({ min_exchanges: 8 });
    const id = await open('business_coaching');

    const turns = await talk(id, 'Hiring', 'No manager for the new shop.', 'Promote Dana.', 'Talk to Dana this week');
    const [early, check, again, last, closing] = await talk(id, 'yes', 'Yes, it is.', 'yes', 'Dana may say no.', 'yes');

    expect(turns.at(-1)?.message.provenance?.step).toBe('confirm');
    expect(early?.message.provenance?.step).toBe('check:5');
    expect(early?.message.text).toBe('Is it realistic this week or this month?');
    expect(check?.message.provenance?.step).toBe('confirm');
    expect(again?.message.provenance?.step).toBe('check:7');
    expect(last?.message.provenance?.step).toBe('confirm');
    expect([early, check, again, last].every((turn) => turn?.turn.phase === 'validation')).toBe(true);
    expect(closing?.turn).toMatchObject({ phase: 'completion', readyToComplete: true });
  });

  it('takes a confirmation after the closing as one, not as a change to the outcome', async () => {
    const { open, talk } = setup();
    const id = await open('core_values');
    const turns = await talk(id, ...STORIES, VALUES, 'yes', 'yes', 'yes');
    const closed = turns.at(-1)?.turn;

    const [after] = await talk(id, 'yes');

    expect(closed).toMatchObject({ phase: 'completion', readyToComplete: true });
    expect(after?.message.text).toContain('Our session is complete.');
    expect(after?.turn.extracted).toEqual(closed?.extracted);
  });

  it('never lets progress go down along a session', async () => {
    const { open, talk } = setup();
    const id = await open('core_values');

    const turns = await talk(
      id,
      ...STORIES,
      'Honesty',
      VALUES,
      'We say the hard thing early: we call the customer first',
      'yes',
      'yes',
      'yes',
    );

    const progress = turns.map((turn) => turn.turn.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(turns.at(-1)?.turn).toMatchObject({ phase: 'completion', progress: 1, readyToComplete: true });
  });

  it('refuses to complete with an outcome the topic’s schema rejects (422 not_ready)', async () => {
    const { service, store, open, invocation } = setup();
    const id = await open('core_values');
    const item = store.items.get(`TENANT#${TENANT}#CONV#${id}`)?.get('META') as Record<string, unknown>;
    Object.assign(item, { exchanges: 6, extracted: { values: [{ name: 'A' }, { name: 'B' }, { name: 'C' }] } });

    const refusal = service.complete(invocation(), id);

    await expect(refusal).rejects.toBeInstanceOf(UnprocessableError);
    await expect(refusal).rejects.toMatchObject({ code: 'not_ready' });
  });
});
