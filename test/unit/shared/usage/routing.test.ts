import {
  COMPLEX_MIN_SCORE,
  LONG_TEXT_CHARS,
  MEDIUM_TEXT_CHARS,
  ModelCooldowns,
  NEAR_BUDGET_UTILIZATION,
  SHORT_QUESTION_WORDS,
  SHORT_TEXT_WORDS,
  SIMPLE_MAX_SCORE,
  VERY_LONG_TEXT_CHARS,
  routeModels,
  scoreComplexity,
  type RoutingInput,
} from '../../../../functions/shared/usage/routing';

const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const OPUS = 'anthropic.claude-opus-4-1-20250805-v1:0';
const UNPRICED = 'anthropic.claude-unpriced-v1:0';

const PRICES: RoutingInput['prices'] = {
  [SONNET]: { inputPer1k: 0.003, outputPer1k: 0.015 },
  [HAIKU]: { inputPer1k: 0.001, outputPer1k: 0.005 },
  [OPUS]: { inputPer1k: 0.015, outputPer1k: 0.075 },
};

const input = (overrides: Partial<RoutingInput> = {}): RoutingInput => ({
  primary: SONNET,
  fallbacks: [OPUS],
  complexity: 'moderate',
  budgetUtilization: 0.2,
  prices: PRICES,
  isCoolingDown: () => false,
  ...overrides,
});

/** A text of exactly `length` characters made of plain words with no cue in them. */
const plainText = (length: number): string => 'lorem ipsum dolor '.repeat(Math.ceil(length / 18)).slice(0, length);

/** A statement of exactly `count` words with no cue in them. */
const plainWords = (count: number): string => Array.from({ length: count }, () => 'revenue').join(' ');

describe('scoreComplexity', () => {
  it('scores a thank-you as simple', () => {
    const result = scoreComplexity('Thanks, that helps!');

    expect(result.complexity).toBe('simple');
    expect(result.reasons).toEqual(['short_text', 'acknowledgement']);
  });

  it('scores a single short factual question as simple', () => {
    const result = scoreComplexity('What does SMART stand for?');

    expect(result.complexity).toBe('simple');
    expect(result.reasons).toEqual(['short_text', 'single_short_question']);
  });

  it('scores a two-sentence question about one goal as moderate', () => {
    const result = scoreComplexity(
      'Our goal is to reach $2M in annual revenue by December. How should we track progress toward it each month?',
    );

    expect(result).toEqual({ complexity: 'moderate', score: 0, reasons: [] });
  });

  it('scores a comparison followed by a step-by-step plan with trade-offs as complex', () => {
    const result = scoreComplexity(
      'Compare our three growth options, then build a step-by-step 90-day plan and explain the trade-offs of each',
    );

    expect(result.complexity).toBe('complex');
    expect(result.reasons).toEqual([
      'keyword:compare',
      'keyword:plan',
      'keyword:trade-off',
      'sequenced_steps',
      'step_by_step',
    ]);
  });

  it('scores a 6,000-character data prompt as complex', () => {
    const rows = Array.from({ length: 300 }, (_, i) => `2025-${String((i % 12) + 1).padStart(2, '0')},120000,80000`);
    const text = `month,revenue,costs\n${rows.join('\n')}`.slice(0, 6000);

    const result = scoreComplexity(text);

    expect(text).toHaveLength(6000);
    expect(result.complexity).toBe('complex');
    expect(result.reasons).toContain('very_long_text');
  });

  it('scores a text of VERY_LONG_TEXT_CHARS characters as complex on length alone', () => {
    const result = scoreComplexity(plainText(VERY_LONG_TEXT_CHARS));

    expect(result).toEqual({ complexity: 'complex', score: COMPLEX_MIN_SCORE, reasons: ['very_long_text'] });
  });

  it('scores a text one character under VERY_LONG_TEXT_CHARS as long but moderate', () => {
    const result = scoreComplexity(plainText(VERY_LONG_TEXT_CHARS - 1));

    expect(result).toEqual({ complexity: 'moderate', score: 2, reasons: ['long_text'] });
  });

  it('counts long_text from LONG_TEXT_CHARS and medium_text just below it', () => {
    const atLong = scoreComplexity(plainText(LONG_TEXT_CHARS));
    const belowLong = scoreComplexity(plainText(LONG_TEXT_CHARS - 1));

    expect(atLong.reasons).toEqual(['long_text']);
    expect(belowLong.reasons).toEqual(['medium_text']);
  });

  it('counts medium_text from MEDIUM_TEXT_CHARS and nothing just below it', () => {
    const atMedium = scoreComplexity(plainText(MEDIUM_TEXT_CHARS));
    const belowMedium = scoreComplexity(plainText(MEDIUM_TEXT_CHARS - 1));

    expect(atMedium.reasons).toEqual(['medium_text']);
    expect(belowMedium.reasons).toEqual([]);
  });

  it('scores a statement of SHORT_TEXT_WORDS words as simple at SIMPLE_MAX_SCORE', () => {
    const result = scoreComplexity(plainWords(SHORT_TEXT_WORDS));

    expect(result).toEqual({ complexity: 'simple', score: SIMPLE_MAX_SCORE, reasons: ['short_text'] });
  });

  it('scores a statement one word over SHORT_TEXT_WORDS as moderate', () => {
    const result = scoreComplexity(plainWords(SHORT_TEXT_WORDS + 1));

    expect(result).toEqual({ complexity: 'moderate', score: 0, reasons: [] });
  });

  it('counts a single question as short up to SHORT_QUESTION_WORDS words', () => {
    const atLimit = scoreComplexity(`${plainWords(SHORT_QUESTION_WORDS)}?`);
    const overLimit = scoreComplexity(`${plainWords(SHORT_QUESTION_WORDS + 1)}?`);

    expect(atLimit.reasons).toEqual(['single_short_question']);
    expect(overLimit.reasons).toEqual([]);
  });

  it('scores COMPLEX_MIN_SCORE as complex and one point less as moderate', () => {
    const atThreshold = scoreComplexity(
      'Analyze the forecast and compare it with the strategy we agreed on last quarter.',
    );
    const belowThreshold = scoreComplexity(
      'Look at the forecast and compare it with the strategy we agreed on last quarter.',
    );

    expect(atThreshold).toMatchObject({ complexity: 'complex', score: COMPLEX_MIN_SCORE });
    expect(belowThreshold).toMatchObject({ complexity: 'moderate', score: COMPLEX_MIN_SCORE - 1 });
  });

  it('ignores an acknowledgement inside a longer request', () => {
    const result = scoreComplexity('Thanks for the numbers yesterday, I will review them with the team tomorrow');

    expect(result.reasons).not.toContain('acknowledgement');
    expect(result.complexity).toBe('moderate');
  });

  it.each([
    ['numbered_list', 'Please do these for the sales team:\n1. Pull the pipeline\n2. Check the win rate'],
    ['numbered_list', 'Things to cover this week:\n- hiring\n- pricing\n- the offsite'],
    ['sequenced_steps', 'First review last month’s numbers with the team, then update the scorecard'],
    ['several_questions', 'How did sales do last month? Are we still on track for the quarterly target?'],
    ['several_sentences', 'Sales were flat. Marketing spent more. Hiring slowed down this month overall.'],
    ['additional_asks', 'Summarise the latest scorecard for the leadership team and also list owners'],
  ])('counts the %s cue', (reason, text) => {
    const result = scoreComplexity(text);

    expect(result.reasons).toContain(reason);
  });
});

describe('routeModels', () => {
  it('tries the primary then the fallbacks in order by default', () => {
    const decision = routeModels(input({ fallbacks: [OPUS, HAIKU] }));

    expect(decision).toEqual({
      candidates: [SONNET, OPUS, HAIKU],
      reason: 'primary',
      complexity: 'moderate',
      skipped: [],
    });
  });

  it('drops repeated models, keeping the first occurrence', () => {
    const decision = routeModels(input({ fallbacks: [SONNET, OPUS, HAIKU, OPUS] }));

    expect(decision.candidates).toEqual([SONNET, OPUS, HAIKU]);
  });

  it('puts the fast model first for a simple request', () => {
    const decision = routeModels(input({ complexity: 'simple', fast: HAIKU }));

    expect(decision.candidates).toEqual([HAIKU, SONNET, OPUS]);
    expect(decision.reason).toBe('fast_model');
  });

  it('moves a fast model that is also a fallback to the front without repeating it', () => {
    const decision = routeModels(input({ complexity: 'simple', fast: HAIKU, fallbacks: [HAIKU, OPUS] }));

    expect(decision.candidates).toEqual([HAIKU, SONNET, OPUS]);
  });

  it.each(['moderate', 'complex'] as const)('leaves the fast model out of a %s request', (complexity) => {
    const decision = routeModels(input({ complexity, fast: HAIKU }));

    expect(decision.candidates).toEqual([SONNET, OPUS]);
    expect(decision.reason).toBe('primary');
  });

  it('starts on the primary for a simple request when the template names no fast model', () => {
    const decision = routeModels(input({ complexity: 'simple' }));

    expect(decision.candidates).toEqual([SONNET, OPUS]);
    expect(decision.reason).toBe('primary');
  });

  it('puts the cheapest model first at exactly NEAR_BUDGET_UTILIZATION', () => {
    const decision = routeModels(input({ fallbacks: [OPUS, HAIKU], budgetUtilization: NEAR_BUDGET_UTILIZATION }));

    expect(NEAR_BUDGET_UTILIZATION).toBe(0.9);
    expect(decision.candidates).toEqual([HAIKU, SONNET, OPUS]);
    expect(decision.reason).toBe('near_budget_cheapest');
  });

  it('keeps the primary first at 0.89 of the budget', () => {
    const decision = routeModels(input({ fallbacks: [OPUS, HAIKU], budgetUtilization: 0.89 }));

    expect(decision.candidates).toEqual([SONNET, OPUS, HAIKU]);
    expect(decision.reason).toBe('primary');
  });

  it('prefers the cheapest model over the fast model for a simple request near the budget', () => {
    const decision = routeModels(
      input({ complexity: 'simple', fast: SONNET, primary: OPUS, fallbacks: [HAIKU], budgetUtilization: 0.95 }),
    );

    expect(decision.candidates).toEqual([HAIKU, SONNET, OPUS]);
    expect(decision.reason).toBe('near_budget_cheapest');
  });

  it('picks a cheaper fast model for a complex request near the budget', () => {
    const decision = routeModels(input({ complexity: 'complex', fast: HAIKU, budgetUtilization: 0.95 }));

    expect(decision.candidates).toEqual([HAIKU, SONNET, OPUS]);
    expect(decision.reason).toBe('near_budget_cheapest');
  });

  it('leaves a fast model that is not the cheapest out of a complex request near the budget', () => {
    const decision = routeModels(
      input({ complexity: 'complex', primary: HAIKU, fallbacks: [SONNET], fast: OPUS, budgetUtilization: 0.95 }),
    );

    expect(decision.candidates).toEqual([HAIKU, SONNET]);
  });

  it('prices inference profiles by their base model id', () => {
    const decision = routeModels(
      input({ primary: `us.${SONNET}`, fallbacks: [`eu.${OPUS}`, `global.${HAIKU}`], budgetUtilization: 0.9 }),
    );

    expect(decision.candidates).toEqual([`global.${HAIKU}`, `us.${SONNET}`, `eu.${OPUS}`]);
  });

  it('treats a model with no price as the most expensive', () => {
    const decision = routeModels(input({ primary: UNPRICED, fallbacks: [OPUS], budgetUtilization: 0.9 }));

    expect(decision.candidates).toEqual([OPUS, UNPRICED]);
  });

  it('moves a cooling model to the end and lists it as skipped', () => {
    const decision = routeModels(input({ fallbacks: [OPUS, HAIKU], isCoolingDown: (modelId) => modelId === SONNET }));

    expect(decision.candidates).toEqual([OPUS, HAIKU, SONNET]);
    expect(decision.skipped).toEqual([{ modelId: SONNET, reason: 'cooldown' }]);
    expect(decision.reason).toBe('primary');
  });

  it('moves the cheapest model to the end when it is cooling near the budget', () => {
    const decision = routeModels(
      input({ fallbacks: [OPUS, HAIKU], budgetUtilization: 0.95, isCoolingDown: (modelId) => modelId === HAIKU }),
    );

    expect(decision.candidates).toEqual([SONNET, OPUS, HAIKU]);
    expect(decision.reason).toBe('near_budget_cheapest');
  });

  it('keeps the order when every model is cooling', () => {
    const decision = routeModels(input({ fallbacks: [OPUS, HAIKU], isCoolingDown: () => true }));

    expect(decision.candidates).toEqual([SONNET, OPUS, HAIKU]);
    expect(decision.skipped.map((skip) => skip.modelId)).toEqual([SONNET, OPUS, HAIKU]);
  });
});

describe('ModelCooldowns', () => {
  const COOLDOWN_MS = 30_000;

  it('reports no cooldown for a model never throttled', () => {
    const cooldowns = new ModelCooldowns(COOLDOWN_MS, () => 1_000);

    expect(cooldowns.isCoolingDown(SONNET)).toBe(false);
  });

  it('cools a throttled model until cooldownMs after the mark', () => {
    let now = 1_000;
    const cooldowns = new ModelCooldowns(COOLDOWN_MS, () => now);
    cooldowns.markThrottled(SONNET);

    now = 1_000 + COOLDOWN_MS - 1;
    const justBefore = cooldowns.isCoolingDown(SONNET);
    now = 1_000 + COOLDOWN_MS;
    const atExpiry = cooldowns.isCoolingDown(SONNET);

    expect(justBefore).toBe(true);
    expect(atExpiry).toBe(false);
  });

  it('restarts the cooldown on another throttle', () => {
    let now = 1_000;
    const cooldowns = new ModelCooldowns(COOLDOWN_MS, () => now);
    cooldowns.markThrottled(SONNET);
    now = 21_000;
    cooldowns.markThrottled(SONNET);

    now = 1_000 + COOLDOWN_MS;

    expect(cooldowns.isCoolingDown(SONNET)).toBe(true);
  });

  it('cools only the model that was throttled', () => {
    const cooldowns = new ModelCooldowns(COOLDOWN_MS, () => 1_000);

    cooldowns.markThrottled(SONNET);

    expect(cooldowns.isCoolingDown(SONNET)).toBe(true);
    expect(cooldowns.isCoolingDown(HAIKU)).toBe(false);
  });

  it('serves routeModels as an unbound isCoolingDown and stops skipping after expiry', () => {
    let now = 1_000;
    const cooldowns = new ModelCooldowns(COOLDOWN_MS, () => now);
    cooldowns.markThrottled(SONNET);

    const cooling = routeModels(input({ isCoolingDown: cooldowns.isCoolingDown }));
    now += COOLDOWN_MS;
    const expired = routeModels(input({ isCoolingDown: cooldowns.isCoolingDown }));

    expect(cooling.candidates).toEqual([OPUS, SONNET]);
    expect(expired.candidates).toEqual([SONNET, OPUS]);
    expect(expired.skipped).toEqual([]);
  });
});

describe('routeModels by capability', () => {
  const LLAMA = 'meta.llama3-3-70b-instruct-v1:0';
  const MISTRAL = 'mistral.mistral-large-2407-v1:0';
  const lacking: Record<string, string> = { [LLAMA]: 'forcedToolChoice', [MISTRAL]: 'forcedToolChoice' };
  const lacks = (modelId: string): string | undefined => lacking[modelId];

  it('leaves out the models that lack a capability, naming it, and goes to the next capable one', () => {
    const decision = routeModels(input({ primary: LLAMA, fallbacks: [MISTRAL, HAIKU, SONNET], lacks }));

    expect(decision).toEqual({
      candidates: [HAIKU, SONNET],
      reason: 'capability_fallback',
      complexity: 'moderate',
      skipped: [
        { modelId: LLAMA, reason: 'incapable', lacks: 'forcedToolChoice' },
        { modelId: MISTRAL, reason: 'incapable', lacks: 'forcedToolChoice' },
      ],
    });
  });

  it('lists models cooling down before the incapable ones, and keeps only the capable ones as candidates', () => {
    const decision = routeModels(
      input({ primary: SONNET, fallbacks: [LLAMA, HAIKU], lacks, isCoolingDown: (id) => id === SONNET }),
    );

    expect(decision.candidates).toEqual([HAIKU, SONNET]);
    expect(decision.reason).toBe('primary');
    expect(decision.skipped).toEqual([
      { modelId: SONNET, reason: 'cooldown' },
      { modelId: LLAMA, reason: 'incapable', lacks: 'forcedToolChoice' },
    ]);
  });

  it('hands a simple request to the primary when the fast model is incapable', () => {
    const decision = routeModels(input({ fast: LLAMA, complexity: 'simple', lacks }));

    expect(decision).toMatchObject({ candidates: [SONNET, OPUS], reason: 'primary' });
    expect(decision.skipped).toEqual([{ modelId: LLAMA, reason: 'incapable', lacks: 'forcedToolChoice' }]);
  });

  it('lets the fast model serve any request when none of the others can', () => {
    const decision = routeModels(input({ primary: LLAMA, fallbacks: [MISTRAL], fast: HAIKU, lacks }));

    expect(decision).toMatchObject({ candidates: [HAIKU], reason: 'capability_fallback' });
  });

  it('picks the cheapest capable model near the budget, never an incapable cheaper one', () => {
    const prices = { ...PRICES, [LLAMA]: { inputPer1k: 0.0001, outputPer1k: 0.0001 } };

    const decision = routeModels(
      input({ primary: SONNET, fallbacks: [LLAMA, HAIKU], budgetUtilization: 0.95, prices, lacks }),
    );

    expect(decision).toMatchObject({ candidates: [HAIKU, SONNET], reason: 'near_budget_cheapest' });
  });

  it('has no candidates when no model can serve the request', () => {
    const decision = routeModels(input({ primary: LLAMA, fallbacks: [MISTRAL], budgetUtilization: 0.95, lacks }));

    expect(decision.candidates).toEqual([]);
    expect(decision.skipped.map((skipped) => skipped.modelId)).toEqual([LLAMA, MISTRAL]);
  });
});
