import { join } from 'node:path';
import {
  checkRephrasing,
  ModelNudgePhraser,
  PHRASING_BUDGET_MS,
  rulesPhraser,
} from '../../../functions/nudges/phrasing';
import type { NudgeCandidate } from '../../../functions/nudges/rules/candidate';
import type { StructuredRequest } from '../../../functions/shared/llm/port';
import { FilePromptStore } from '../../../functions/shared/prompts/file-prompt-store';
import { InMemoryUsageLedger } from '../../../functions/shared/usage/in-memory-usage-ledger';
import type { TenantLimits } from '../../../functions/shared/usage/ledger';
import { bedrockError, FakeLanguageModel, HANG, type ModelScript } from '../../support/fake-language-model';
import { recordingLog, settleInvocation, silentLog, testInvocation } from '../../support/invocation';
import { HAIKU, testGateway } from '../../support/usage-fakes';

const NOW = new Date('2026-12-02T09:00:00Z');
const GENEROUS: TenantLimits = {
  monthlyTokenBudget: 10_000_000,
  monthlyCostBudgetUsd: 10_000,
  userRequestsPerMinute: 100,
};
const LEVEL_2 = { coachLevel: 2 } as const;

const referral: NudgeCandidate = {
  type: 'action',
  rule: 'referral_after_win',
  entityType: 'deal',
  entityId: 'deal-1',
  message: "Nice close! $12,500 won in 21 days. Ask Sarah for a referral while they're happy.",
  priority: 'high',
  suggestedAction: 'create_task',
  actionParams: { title: 'Ask Sarah for a referral', dueInDays: 2, relatedEntityId: 'deal-1' },
  evidence: [
    { metric: 'deal value', value: 12500 },
    { metric: 'days to close', value: 21 },
  ],
  ttlHours: 48,
  cooldownHours: 24,
};
const newLead: NudgeCandidate = {
  type: 'action',
  rule: 'contact_new_lead',
  entityType: 'contact',
  entityId: 'c-1',
  message: 'New lead from LinkedIn: reach out to Dana within 24 hours, while the interest is fresh.',
  priority: 'high',
  suggestedAction: 'create_task',
  actionParams: { title: 'Contact Dana', dueInDays: 1, relatedEntityId: 'c-1' },
  evidence: [{ metric: 'lead source', value: 'LinkedIn' }],
  ttlHours: 24,
  cooldownHours: 168,
};
const REPHRASED = {
  referral: 'Great win: $12,500 closed in 21 days! While Sarah is happy, ask her for a referral.',
  newLead: 'Dana just came in from LinkedIn. Reach out within 24 hours while the interest is warm.',
};

/** The nudges a phrasing request sends, read back from its user message. */
const sentNudges = (request: StructuredRequest): Array<{ index: number; message: string }> =>
  JSON.parse(request.messages[0]?.text.split('\n')[1] ?? '[]') as Array<{ index: number; message: string }>;

/** A model that answers every phrasing request with `reword` applied to each nudge it was sent. */
const rewording =
  (reword: (message: string, index: number) => string): ModelScript =>
  (request) => ({
    toolInput: {
      nudges: sentNudges(request).map(({ index, message }) => ({ index, message: reword(message, index) })),
    },
    modelId: request.settings.modelId,
  });

/** A model that answers the two nudges with the given rephrasings. */
const answering = (...messages: string[]): ModelScript => rewording((message, index) => messages[index] ?? message);

/** The phraser on the bundled prompts and a real gateway over a fake model and the in-memory ledger. */
const setup = (script: ModelScript, options: { limits?: TenantLimits; budgetMs?: number } = {}) => {
  const model = new FakeLanguageModel(script);
  const ledger = new InMemoryUsageLedger();
  const gateway = testGateway(model, ledger, () => NOW, {
    defaultLimits: options.limits ?? GENEROUS,
    minCallMs: 50,
  });
  const prompts = new FilePromptStore(join(__dirname, '../../../prompts'), { maxBytes: 100_000 }, silentLog);
  const phraser = new ModelNudgePhraser(gateway, prompts, {
    budgetMs: options.budgetMs ?? PHRASING_BUDGET_MS,
    marginMs: 100,
    minMs: 50,
  });
  const { log, lines } = recordingLog();
  const invocation = (budgetMs?: number) =>
    testInvocation({ tenantId: 'tenant-a', correlationId: 'corr-phrasing', log, ...(budgetMs ? { budgetMs } : {}) })
      .invocation;
  return { model, ledger, gateway, phraser, prompts, lines, invocation };
};

const messages = (candidates: readonly NudgeCandidate[]): string[] => candidates.map((candidate) => candidate.message);
const sources = (candidates: readonly NudgeCandidate[]): string[] =>
  candidates.map((candidate) => candidate.phrasing?.source ?? 'none');

describe('checkRephrasing', () => {
  it('keeps a rephrasing with the same numbers, written with or without the dollar sign and the commas', () => {
    const written = [
      '$12,500 won in 21 days, Sarah',
      '12,500 won in 21 days, Sarah',
      '12500 dollars in 21 days, Sarah',
    ];

    expect(written.map((message) => checkRephrasing(referral, message))).toEqual(
      written.map((message) => ({ ok: true, message })),
    );
  });

  it('discards a rephrasing that changes a number, saying which', () => {
    expect(checkRephrasing(referral, 'You won $12,000 in 21 days: ask Sarah for a referral.')).toEqual({
      ok: false,
      problem: 'numbers_changed',
      missing: ['$12,500'],
      added: ['$12,000'],
    });
  });

  it('discards a rephrasing that adds a number, or leaves one out', () => {
    expect(checkRephrasing(referral, '$12,500 in 21 days: ask Sarah within 2 days.')).toMatchObject({
      ok: false,
      added: ['2'],
    });
    expect(checkRephrasing(referral, 'A $12,500 win, fast! Ask Sarah for a referral.')).toMatchObject({
      ok: false,
      missing: ['21'],
    });
  });

  it('discards a rephrasing that drops an evidence value the message writes as text', () => {
    expect(checkRephrasing(newLead, 'A new lead: reach out to Dana within 24 hours.')).toEqual({
      ok: false,
      problem: 'evidence_changed',
      missing: ['LinkedIn'],
    });
  });

  it('discards an empty or a much longer rephrasing, and trims a kept one', () => {
    const long = `${newLead.message} ${'Really, do it now, it matters a lot. '.repeat(4)}`;

    expect(checkRephrasing(newLead, '   ')).toEqual({ ok: false, problem: 'empty' });
    expect(checkRephrasing(newLead, long)).toEqual({ ok: false, problem: 'too_long' });
    expect(checkRephrasing(newLead, `  ${REPHRASED.newLead}\n`)).toEqual({ ok: true, message: REPHRASED.newLead });
  });
});

describe('rulesPhraser', () => {
  it("answers the rules' own messages, saying so", async () => {
    const phrased = await rulesPhraser.rephrase(testInvocation().invocation, [referral, newLead], LEVEL_2);

    expect(phrased).toEqual([
      { ...referral, phrasing: { source: 'rules' } },
      { ...newLead, phrasing: { source: 'rules' } },
    ]);
  });
});

describe('ModelNudgePhraser', () => {
  it('rephrases every nudge of a delivery in one call to the template model, keeping action, params and evidence', async () => {
    const { model, phraser, invocation } = setup(answering(REPHRASED.referral, REPHRASED.newLead));

    const phrased = await phraser.rephrase(invocation(), [referral, newLead], LEVEL_2);

    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.request.tool.name).toBe('record_phrasings');
    expect(model.modelIds).toEqual([HAIKU]);
    expect(sentNudges(model.calls[0]!.request)).toEqual([
      { index: 0, message: referral.message },
      { index: 1, message: newLead.message },
    ]);
    const provenance = { source: 'model', promptTopic: 'nudge_phrasing', promptVersion: 'v1.0', modelId: HAIKU };
    expect(phrased).toEqual([
      { ...referral, message: REPHRASED.referral, phrasing: provenance },
      { ...newLead, message: REPHRASED.newLead, phrasing: provenance },
    ]);
  });

  it("keeps the rule's message of a nudge whose rephrasing changed a number, and logs why", async () => {
    const { phraser, lines, invocation } = setup(
      answering('Great win: $12,000 in 21 days! Ask Sarah for a referral.', REPHRASED.newLead),
    );

    const phrased = await phraser.rephrase(invocation(), [referral, newLead], LEVEL_2);

    expect(messages(phrased)).toEqual([referral.message, REPHRASED.newLead]);
    expect(sources(phrased)).toEqual(['rules', 'model']);
    expect(lines.find((line) => line.message.startsWith('nudge rephrasings discarded'))?.fields).toEqual({
      tenantId: 'tenant-a',
      correlationId: 'corr-phrasing',
      discarded: [{ rule: 'referral_after_win', problem: 'numbers_changed', missing: ['$12,500'], added: ['$12,000'] }],
    });
  });

  it("keeps the rule's message of a nudge whose rephrasing added a number", async () => {
    const { phraser, invocation } = setup(
      answering(REPHRASED.referral, 'Dana came in from LinkedIn: reach out within 24 hours, 3 calls at most.'),
    );

    const phrased = await phraser.rephrase(invocation(), [referral, newLead], LEVEL_2);

    expect(messages(phrased)).toEqual([REPHRASED.referral, newLead.message]);
    expect(sources(phrased)).toEqual(['model', 'rules']);
  });

  it("keeps the rule's message of a nudge the answer leaves out or repeats unchanged", async () => {
    const { phraser, invocation } = setup(() => ({
      toolInput: {
        nudges: [
          { index: 1, message: newLead.message },
          { index: 7, message: 'stray' },
        ],
      },
    }));

    const phrased = await phraser.rephrase(invocation(), [referral, newLead], LEVEL_2);

    expect(messages(phrased)).toEqual([referral.message, newLead.message]);
    expect(sources(phrased)).toEqual(['rules', 'rules']);
  });

  it('does not rephrase at coach level 1, nor an empty delivery', async () => {
    const { model, phraser, invocation } = setup(answering(REPHRASED.referral));

    const level1 = await phraser.rephrase(invocation(), [referral], { coachLevel: 1 });
    const none = await phraser.rephrase(invocation(), [], LEVEL_2);

    expect(model.calls).toHaveLength(0);
    expect(level1).toEqual([{ ...referral, phrasing: { source: 'rules' } }]);
    expect(none).toEqual([]);
  });

  it("falls back to the rules' messages within its budget when the model hangs, logging tenant and correlation id", async () => {
    const { model, phraser, prompts, lines, invocation } = setup(() => HANG, { budgetMs: 300 });
    await prompts.active('nudge_phrasing'); // the first read validates with cold schemas: not the model's time
    const started = performance.now();

    const phrased = await phraser.rephrase(invocation(), [referral, newLead], LEVEL_2);

    expect(performance.now() - started).toBeLessThan(300 + 250);
    expect(model.calls).toHaveLength(1);
    expect(model.calls[0]?.request.signal?.aborted).toBe(true);
    expect(messages(phrased)).toEqual([referral.message, newLead.message]);
    expect(sources(phrased)).toEqual(['rules', 'rules']);
    expect(lines.find((line) => line.message.startsWith('nudge phrasing failed'))).toMatchObject({
      level: 'warn',
      fields: { tenantId: 'tenant-a', correlationId: 'corr-phrasing', reason: 'model_timeout' },
    });
  });

  it('spends no more than the invocation has left less the margin, and asks no model with too little left', async () => {
    const { model, phraser, prompts, invocation } = setup(() => HANG);
    await prompts.active('nudge_phrasing');
    const started = performance.now();

    await phraser.rephrase(invocation(500), [referral], LEVEL_2);
    const skipped = await phraser.rephrase(invocation(120), [referral], LEVEL_2);

    expect(performance.now() - started).toBeLessThan(500);
    expect(model.calls).toHaveLength(1);
    expect(skipped).toEqual([{ ...referral, phrasing: { source: 'rules' } }]);
  });

  it.each([
    ['a rejected request', 'ValidationException', 'model_request_rejected'],
    ['an unavailable model', 'ServiceUnavailableException', 'model_unavailable'],
  ])("falls back to the rules' messages on %s", async (_case, name, reason) => {
    const { phraser, lines, invocation } = setup(() => bedrockError(name));

    const phrased = await phraser.rephrase(invocation(), [referral, newLead], LEVEL_2);

    expect(messages(phrased)).toEqual([referral.message, newLead.message]);
    expect(lines.find((line) => line.message.startsWith('nudge phrasing failed'))?.fields).toMatchObject({ reason });
  });

  it("falls back to the rules' messages when the tenant's budget is spent, without calling the model", async () => {
    const spent = { ...GENEROUS, monthlyTokenBudget: 0 };
    const { model, phraser, lines, invocation } = setup(answering(REPHRASED.referral), { limits: spent });

    const phrased = await phraser.rephrase(invocation(), [referral], LEVEL_2);

    expect(model.calls).toHaveLength(0);
    expect(messages(phrased)).toEqual([referral.message]);
    expect(lines.find((line) => line.message.startsWith('nudge phrasing failed'))?.fields).toMatchObject({
      reason: 'usage_limit_exceeded',
    });
  });

  it("falls back to the rules' messages on invalid output after that one call (no repair round)", async () => {
    const { model, phraser, invocation } = setup(() => ({ toolInput: { rephrased: 'nothing useful' } }));

    const phrased = await phraser.rephrase(invocation(), [referral], LEVEL_2);

    expect(model.calls).toHaveLength(1);
    expect(messages(phrased)).toEqual([referral.message]);
  });

  it("falls back to the rules' messages on an unexpected failure, logged as an error", async () => {
    const { log, lines } = recordingLog();
    const broken = { active: async () => Promise.reject(new TypeError('template store broke')) };
    const phraser = new ModelNudgePhraser(setup(answering(REPHRASED.referral)).gateway, broken, { marginMs: 100 });

    const phrased = await phraser.rephrase(testInvocation({ log }).invocation, [referral], LEVEL_2);

    expect(messages(phrased)).toEqual([referral.message]);
    expect(lines.find((line) => line.message.startsWith('nudge phrasing failed'))).toMatchObject({
      level: 'error',
      fields: { reason: 'unexpected', error: 'TypeError: template store broke' },
    });
  });

  it('meters the call as nudge_phrasing on the nudge_phrasing template, for the caller', async () => {
    const { ledger, phraser, invocation } = setup(answering(REPHRASED.referral));
    const scope = invocation();

    await phraser.rephrase(scope, [referral], LEVEL_2);
    await settleInvocation(scope);

    expect(ledger.events()).toEqual([
      expect.objectContaining({
        tenantId: 'tenant-a',
        requestType: 'nudge_phrasing',
        promptTopic: 'nudge_phrasing',
        promptVersion: 'v1.0',
        modelId: HAIKU,
        outcome: 'ok',
        correlationId: 'corr-phrasing',
      }),
    ]);
    expect((await ledger.month('tenant-a', '2026-12')).byRequestType.nudge_phrasing).toMatchObject({ calls: 1 });
  });
});
