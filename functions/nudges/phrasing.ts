import { AppError, ModelTimeoutError } from '../shared/errors';
import type { Deadline, Invocation } from '../shared/invocation';
import { callStructured } from '../shared/llm/structured-call';
import { scanNumbers } from '../shared/numbers';
import { once } from '../shared/once';
import { renderPrompt } from '../shared/prompts/render';
import type { PromptStore, PromptTemplate } from '../shared/prompts/template';
import { MIN_CALL_MS, type ModelGateway } from '../shared/usage/gateway';
import * as z from '../shared/zod';
import type { NudgePhrasing, NudgeSettings } from './model';
import type { NudgeCandidate } from './rules/candidate';

/**
 * Rephrasing of the rules' nudge messages by a fast model, with the facts fixed: every number of the rule's message
 * (and every evidence value it writes) must stay as it is, and no other number may appear; a rephrasing that fails
 * the check is discarded for the rule's own text. Everything else of a nudge (action, params, evidence) is the rule's.
 */

/** What rephrases the messages of one delivery before its nudges are stored. */
export interface NudgePhraser {
  /**
   * The candidates in the same order, each with its message (rephrased, or the rule's own) and its `phrasing`. Never
   * throws: whatever goes wrong leaves the rules' messages.
   */
  rephrase(
    invocation: Invocation,
    candidates: readonly NudgeCandidate[],
    settings: Pick<NudgeSettings, 'coachLevel'>,
  ): Promise<NudgeCandidate[]>;
}

/** The prompt topic (and the usage request type) of the rephrasing. */
export const PHRASING_TOPIC = 'nudge_phrasing';
/** The lowest coach level whose nudges are rephrased. */
export const MIN_PHRASING_LEVEL = 2;
/** The longest the rephrasing of one delivery may take. */
export const PHRASING_BUDGET_MS = 2_500;
/** What the rephrasing leaves of the invocation's time, for storing the nudges and answering. */
export const PHRASING_MARGIN_MS = 2_000;
/** A rephrasing may be this much longer than the rule's message (and always at least PHRASING_MIN_CHARS long). */
export const PHRASING_LENGTH_FACTOR = 1.5;
export const PHRASING_MIN_CHARS = 160;

/** How long after the bounded deadline the phrasing is given up on even if the gateway has not ended its call. */
const BACKSTOP_MS = 100;

const RULES: NudgePhrasing = { source: 'rules' };

/** The candidates as the rules wrote them. */
const rulesOwn = (candidates: readonly NudgeCandidate[]): NudgeCandidate[] =>
  candidates.map((candidate) => ({ ...candidate, phrasing: RULES }));

/** No model (LLM_PROVIDER=rules, `npm start`): every message is the rules' own, and says so. */
export const rulesPhraser: NudgePhraser = { rephrase: async (_invocation, candidates) => rulesOwn(candidates) };

/** Why a rephrasing was discarded. */
export type PhrasingProblem = 'empty' | 'too_long' | 'numbers_changed' | 'evidence_changed';

/** A rephrasing kept (trimmed), or why not; `missing` and `added` are the numbers that differ, as written. */
export type PhrasingCheck =
  | { readonly ok: true; readonly message: string }
  | { readonly ok: false; readonly problem: PhrasingProblem; readonly missing?: string[]; readonly added?: string[] };

/** A number's value as the check compares it: `$12,500`, `12,500` and `12500` alike; a percentage apart. */
const numberKey = (value: number, percent: boolean): string => `${Math.round(value * 1e6) / 1e6}${percent ? '%' : ''}`;

/** The numbers a text writes, by their key, with the first way each was written. */
const numbersOf = (text: string): Map<string, string> => {
  const numbers = new Map<string, string>();
  for (const mention of scanNumbers(text)) {
    const key = numberKey(mention.value, mention.percent);
    if (!numbers.has(key)) numbers.set(key, mention.text);
  }
  return numbers;
};

/** The numbers of `from` that `to` does not write. */
const lacking = (from: ReadonlyMap<string, string>, to: ReadonlyMap<string, string>): string[] =>
  [...from].filter(([key]) => !to.has(key)).map(([, written]) => written);

/**
 * Whether a rephrasing keeps the rule's facts: not empty, not longer than PHRASING_LENGTH_FACTOR times the rule's
 * message (or PHRASING_MIN_CHARS), every number of the rule's message still there (by value: `$12,500` = `12,500`)
 * and no other, and every evidence value the rule's message writes as text (a source, a date, a status) still written.
 */
export const checkRephrasing = (candidate: NudgeCandidate, rephrased: string): PhrasingCheck => {
  const message = rephrased.trim();
  if (message === '') return { ok: false, problem: 'empty' };
  const limit = Math.max(PHRASING_MIN_CHARS, Math.ceil(candidate.message.length * PHRASING_LENGTH_FACTOR));
  if (message.length > limit) return { ok: false, problem: 'too_long' };
  const original = numbersOf(candidate.message);
  const written = numbersOf(message);
  const missing = lacking(original, written);
  const added = lacking(written, original);
  if (missing.length > 0 || added.length > 0) return { ok: false, problem: 'numbers_changed', missing, added };
  const texts = candidate.evidence.flatMap(({ value }) =>
    typeof value === 'string' && value.trim() !== '' && candidate.message.includes(value) ? [value] : [],
  );
  const lost = texts.filter((value) => !message.includes(value));
  if (lost.length > 0) return { ok: false, problem: 'evidence_changed', missing: lost };
  return { ok: true, message };
};

/** The forced tool's answer: one entry per nudge, by its index in the request. */
const phrasingOutputSchema = z.object({
  nudges: z.array(z.object({ index: z.number().check(z.int(), z.minimum(0)), message: z.string() })),
});

/** The forced tool; its JSON Schema is derived on first use, not at cold start. */
const phrasingTool = /* @__PURE__ */ once(() => ({
  name: 'record_phrasings',
  description: 'Record your rephrasing of each nudge, by its index.',
  inputSchema: z.toJSONSchema(phrasingOutputSchema, { io: 'input' }),
}));

/** A bare array of entries is read as the `nudges` of the answer. */
const normalizeOutput = (value: unknown): unknown => (Array.isArray(value) ? { nudges: value } : value);

/** `deadline`, `cutMs` sooner. */
const sooner = (deadline: Deadline, cutMs: number): Deadline => ({
  at: deadline.at - cutMs,
  remainingMs: () => Math.max(0, deadline.remainingMs() - cutMs),
});

/** Rejects with ModelTimeoutError after `ms` unless `work` settles first. */
const within = <T>(work: Promise<T>, ms: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModelTimeoutError(`The nudge phrasing took more than ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, cut]).finally(() => clearTimeout(timer));
};

/** How long the phrasing of one delivery may take: PHRASING_BUDGET_MS, or less when the invocation has less left. */
export interface PhrasingTimes {
  readonly budgetMs: number;
  readonly marginMs: number;
  /** With less than this to spend, no model is asked (the gateway would not start a call either). */
  readonly minMs: number;
}

const DEFAULT_TIMES: PhrasingTimes = { budgetMs: PHRASING_BUDGET_MS, marginMs: PHRASING_MARGIN_MS, minMs: MIN_CALL_MS };

/**
 * Rephrasing on a model: for coach level MIN_PHRASING_LEVEL and up, all nudges of one delivery in ONE forced-tool call
 * (`record_phrasings`, no repair round) through the model gateway (limits, routing, metering as `nudge_phrasing`)
 * with the active `nudge_phrasing` template, within min(PHRASING_BUDGET_MS, the invocation's time left less
 * PHRASING_MARGIN_MS). Each rephrasing is kept only if it passes checkRephrasing. A timeout, a model error, a refused
 * budget or rate, a missing template or invalid output keeps the rules' messages, logged with tenant and correlation id.
 */
export class ModelNudgePhraser implements NudgePhraser {
  private readonly times: PhrasingTimes;

  constructor(
    private readonly gateway: ModelGateway,
    private readonly prompts: PromptStore,
    times: Partial<PhrasingTimes> = {},
  ) {
    this.times = { ...DEFAULT_TIMES, ...times };
  }

  async rephrase(
    invocation: Invocation,
    candidates: readonly NudgeCandidate[],
    settings: Pick<NudgeSettings, 'coachLevel'>,
  ): Promise<NudgeCandidate[]> {
    if (candidates.length === 0 || settings.coachLevel < MIN_PHRASING_LEVEL) return rulesOwn(candidates);
    const { tenantId } = invocation.caller;
    const { correlationId, deadline } = invocation;
    const budgetMs = Math.min(this.times.budgetMs, deadline.remainingMs() - this.times.marginMs);
    if (budgetMs < this.times.minMs) {
      invocation.log.info('no time to rephrase nudges; the rules wrote them', { tenantId, correlationId, budgetMs });
      return rulesOwn(candidates);
    }
    const bounded: Invocation = { ...invocation, deadline: sooner(deadline, deadline.remainingMs() - budgetMs) };
    try {
      // The gateway ends the model call at the bounded deadline; this ends a stuck template or ledger read too.
      return await within(this.modelPhrasings(bounded, candidates), budgetMs + BACKSTOP_MS);
    } catch (error) {
      const reason = error instanceof AppError ? error.code : 'unexpected';
      const fields = { tenantId, correlationId, reason, error: String(error), nudges: candidates.length };
      if (error instanceof AppError) invocation.log.warn('nudge phrasing failed; the rules wrote them', fields);
      else invocation.log.error('nudge phrasing failed; the rules wrote them', fields);
      return rulesOwn(candidates);
    }
  }

  private async modelPhrasings(
    invocation: Invocation,
    candidates: readonly NudgeCandidate[],
  ): Promise<NudgeCandidate[]> {
    const template = await this.prompts.active(PHRASING_TOPIC);
    const rendered = renderPrompt(template, {
      nudges: JSON.stringify(candidates.map(({ message }, index) => ({ index, message }))),
    });
    const result = await callStructured(
      this.gateway,
      {
        invocation,
        requestType: PHRASING_TOPIC,
        template,
        system: rendered.system,
        messages: [{ role: 'user', text: rendered.user }],
        tool: phrasingTool(),
      },
      phrasingOutputSchema,
      { normalize: normalizeOutput, repair: false },
    );
    const { tenantId } = invocation.caller;
    const { correlationId } = invocation;
    if (!result.ok) {
      invocation.log.warn('nudge phrasing output invalid; the rules wrote them', {
        tenantId,
        correlationId,
        reason: 'invalid_output',
        problems: result.problems.slice(0, 10),
      });
      return rulesOwn(candidates);
    }
    return this.checked(invocation, candidates, result.value.nudges, modelPhrasing(template, result.modelId));
  }

  /** Each candidate with the first rephrasing of its index that passes the check, else with its rule's message. */
  private checked(
    invocation: Invocation,
    candidates: readonly NudgeCandidate[],
    answers: readonly { index: number; message: string }[],
    phrasing: NudgePhrasing,
  ): NudgeCandidate[] {
    const discarded: Array<{ rule: string } & Omit<Extract<PhrasingCheck, { ok: false }>, 'ok'>> = [];
    const phrased = candidates.map((candidate, index) => {
      const answer = answers.find((entry) => entry.index === index);
      if (answer === undefined) return { ...candidate, phrasing: RULES };
      const check = checkRephrasing(candidate, answer.message);
      if (!check.ok) {
        const { ok: _ok, ...why } = check;
        discarded.push({ rule: candidate.rule, ...why });
        return { ...candidate, phrasing: RULES };
      }
      if (check.message === candidate.message) return { ...candidate, phrasing: RULES };
      return { ...candidate, message: check.message, phrasing };
    });
    const kept = phrased.filter((candidate) => candidate.phrasing.source === 'model').length;
    const fields = { tenantId: invocation.caller.tenantId, correlationId: invocation.correlationId };
    if (discarded.length > 0) {
      invocation.log.warn('nudge rephrasings discarded; the rules wrote them', { ...fields, discarded });
    }
    invocation.log.info('nudges rephrased', { ...fields, nudges: candidates.length, kept });
    return phrased;
  }
}

/** The phrasing of a message the model rephrased on a template. */
const modelPhrasing = (template: PromptTemplate, modelId: string): NudgePhrasing => ({
  source: 'model',
  promptTopic: template.topic,
  promptVersion: template.version,
  modelId,
});
