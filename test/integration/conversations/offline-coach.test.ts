import { outcomeSchemas, type ConversationTopic } from '../../../functions/conversations/model';
import { startTestApi, type TestApi } from '../../support/local-api';
import { parseEvents } from '../../support/sse';

/**
 * A newcomer's conversations on `npm start`'s defaults (the rules provider: no model, no AWS account): the offline
 * coach over HTTP, on the local runtime.
 */
const TENANT = 'acme-plumbing';
let api: TestApi;
let owner: string;

beforeAll(async () => {
  api = await startTestApi();
  owner = await api.token(TENANT, 'newcomer');
});

afterAll(async () => {
  await api.close();
});

const start = async (topic: ConversationTopic) => {
  const response = await api.call('POST', '/conversations', { token: owner, body: JSON.stringify({ topic }) });
  expect(response.status).toBe(201);
  return response;
};
const say = (id: string, message: string) =>
  api.call('POST', `/conversations/${id}/messages`, { token: owner, body: JSON.stringify({ message }) });
const stream = (id: string, message: string) =>
  api.call('POST', `/conversations/${id}/messages/stream`, { token: owner, body: JSON.stringify({ message }) });

describe('the offline coach', () => {
  it('says in /health that conversations run on the offline coach', async () => {
    const health = await api.call('GET', '/health');

    expect(health.json.adapters).toMatchObject({ llm: 'rules', coach: 'offline' });
    expect(health.json.notice).toContain('offline coach');
  });

  it('walks a core values session from the opening to an accepted outcome in the owner’s own words', async () => {
    const opening = await start('core_values');
    const id = opening.json.conversation.id as string;
    const turns = [
      await say(id, 'Last winter the pipes froze all over town and the whole crew worked through the night.'),
      await say(id, 'Maria in dispatch. She calls customers herself when a crew runs late.'),
    ];
    const streamed = await stream(id, 'Blaming a colleague in front of a customer.');
    const paused = await api.call('POST', `/conversations/${id}/pause`, { token: owner });
    const whilePaused = await say(id, 'One more thing.');
    const resumed = await api.call('POST', `/conversations/${id}/resume`, { token: owner });
    turns.push(
      await say(
        id,
        'Show up on time: customers plan their day around us: we text when we are 15 minutes out\n' +
          'Own the outcome: a callback is ours to fix: the original tech returns within a day\n' +
          'Leave it cleaner',
      ),
      await say(id, 'We treat every home as our own: drop cloths and a final wipe-down on every job'),
      await say(id, "Yes, that's it"),
      await say(id, 'Yes. We let a top seller go for blaming others.'),
      await say(id, 'Yes, make it final'),
    );
    const completed = await api.call('POST', `/conversations/${id}/complete`, { token: owner });
    const accepted = await api.call('PUT', `/conversations/${id}/outcome`, {
      token: owner,
      body: JSON.stringify({ accept: true }),
    });
    const detail = await api.call('GET', `/conversations/${id}?page_size=100`, { token: owner });

    expect(opening.json.message.text).toContain("I'm the offline coach");
    expect(opening.json.message.text).toContain('at its best');
    expect(turns.map((turn) => turn.status)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(turns[1]?.json.message.text).toContain('Maria in dispatch');
    const events = parseEvents(streamed.text);
    const deltas = events.filter((event) => event.event === 'delta').map((event) => event.data.text);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(events.at(-1)?.data.message.text);
    expect(paused.json.conversation.status).toBe('paused');
    expect(whilePaused.status).toBe(409);
    expect(resumed.json.recap).toContain('Which values do you hear');
    expect(turns.map((turn) => turn.json.turn.phase)).toEqual([
      'exploration',
      'exploration',
      'exploration',
      'synthesis',
      'validation',
      'validation',
      'completion',
    ]);
    expect(turns.at(-1)?.json.turn.readyToComplete).toBe(true);
    expect(completed.status).toBe(200);
    expect(outcomeSchemas.core_values.safeParse(completed.json.outcome).success).toBe(true);
    expect(completed.json.outcome.values).toEqual([
      {
        name: 'Show up on time',
        meaning: 'Customers plan their day around us.',
        behavior: 'We text when we are 15 minutes out.',
      },
      {
        name: 'Own the outcome',
        meaning: 'A callback is ours to fix.',
        behavior: 'The original tech returns within a day.',
      },
      {
        name: 'Leave it cleaner',
        meaning: 'We treat every home as our own.',
        behavior: 'Drop cloths and a final wipe-down on every job.',
      },
    ]);
    expect(completed.json.conversation.outcomeProvenance).toEqual({
      provider: 'rules',
      promptTopic: 'core_values',
      promptVersion: 'v1.0',
    });
    expect(accepted.json.conversation).toMatchObject({ status: 'completed', outcomeStatus: 'accepted' });
    const coachMessages = detail.json.messages.filter((message: { role: string }) => message.role === 'assistant');
    expect(coachMessages).toHaveLength(9);
    expect(
      coachMessages.every((message: { provenance?: { provider: string } }) => message.provenance?.provider === 'rules'),
    ).toBe(true);
  });

  it.each<[ConversationTopic, string[], Record<string, unknown>]>([
    [
      'purpose',
      [
        'Families in older homes across the county',
        'A widow whose boiler died on Christmas Eve; we had it running by dinner.',
        'Nobody should be cold or scared in their own home.',
        'We keep families warm and safe in their own homes.',
        'Yes, it would.',
        'Yes, make it final',
      ],
      {
        statement: 'We keep families warm and safe in their own homes.',
        whoWeServe: 'Families in older homes across the county.',
        whyItMatters: 'Nobody should be cold or scared in their own home.',
      },
    ],
    [
      'vision',
      [
        'Five years',
        'Three locations, 40 technicians, the first call for every older home in the county.',
        'By 2031 we are the most trusted home-comfort company in the county, with three locations.',
        'Open the second location in 2027\nReach 25 technicians by 2028',
        'Ambitious, but yes.',
        "That's it",
      ],
      {
        statement: 'By 2031 we are the most trusted home-comfort company in the county, with three locations.',
        horizonYears: 5,
        milestones: ['Open the second location in 2027.', 'Reach 25 technicians by 2028.'],
      },
    ],
    [
      'business_coaching',
      [
        'Our second location is behind schedule.',
        'The lease is signed but we have no manager for it. Hiring has stalled.',
        'Promote Dana from the main shop to run it.',
        'Talk to Dana this week (me)\nPost her current role by Friday (office)',
        'Looks good',
      ],
      {
        summary:
          'Worked on: Our second location is behind schedule. Situation: The lease is signed but we have no manager for it. Chosen: Promote Dana from the main shop to run it.',
        decisions: ['Promote Dana from the main shop to run it.'],
        nextSteps: ['Talk to Dana this week (me).', 'Post her current role by Friday (office).'],
      },
    ],
  ])('walks a %s session to a valid outcome from what the owner wrote', async (topic, messages, outcome) => {
    const id = (await start(topic)).json.conversation.id as string;
    const replies = [];
    for (const message of messages) replies.push(await say(id, message));

    const completed = await api.call('POST', `/conversations/${id}/complete`, { token: owner });

    expect(replies.map((reply) => reply.status)).toEqual(messages.map(() => 200));
    expect(replies.at(-1)?.json.turn).toMatchObject({ phase: 'completion', readyToComplete: true });
    expect(completed.status).toBe(200);
    expect(completed.json.outcome).toEqual(outcome);
    expect(outcomeSchemas[topic].safeParse(completed.json.outcome).success).toBe(true);
  });

  it('offers a human when the owner asks for one, and says it is an AI coach', async () => {
    const id = (await start('vision')).json.conversation.id as string;

    const response = await say(id, 'Can I talk to a real person about this?');

    expect(response.json.handoff).toEqual({ offered: true, reason: 'escalate' });
    expect(response.json.message.text).toContain('AI coach');
    expect(response.json.message.text).toContain('How many years ahead');
  });

  it('shows in the admin usage report the sessions started, completed and in progress, by topic', async () => {
    const reporter = await api.token('northwind-saas', 'report-owner');
    const open = async () =>
      (await api.call('POST', '/conversations', { token: reporter, body: JSON.stringify({ topic: 'purpose' }) })).json
        .conversation.id as string;
    const [finished] = [await open(), await open()];
    for (const message of [
      'Software teams at small agencies',
      'An agency that stopped losing weekends to releases.',
      'Nobody should lose their evenings to broken releases.',
      'We give small teams their evenings back.',
      'Yes.',
      'Yes, make it final',
    ]) {
      await api.call('POST', `/conversations/${finished}/messages`, {
        token: reporter,
        body: JSON.stringify({ message }),
      });
    }
    await api.call('POST', `/conversations/${finished}/complete`, { token: reporter });

    const platformAdmin = await api.token('platform', 'admin-1', 'platform-admin');
    const report = await api.call('GET', '/admin/usage?tenantId=northwind-saas', { token: platformAdmin });

    expect(report.status).toBe(200);
    expect(report.json.conversations).toMatchObject({
      abandonedAfterDays: 7,
      started: 2,
      completed: 1,
      abandoned: 0,
      inProgress: 1,
      completionRate: 1,
    });
    expect(report.json.conversations.byTopic).toContainEqual({
      topic: 'purpose',
      started: 2,
      completed: 1,
      abandoned: 0,
      inProgress: 1,
      completionRate: 1,
    });
  });
});
