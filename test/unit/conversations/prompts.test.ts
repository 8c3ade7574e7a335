import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { conversationTopics, outcomeSchemas, type ConversationTopic } from '../../../functions/conversations/model';
import {
  conversationPromptValues,
  conversationPromptVariables,
  OPENING_MESSAGE,
  type ConversationPromptInput,
} from '../../../functions/conversations/prompt-context';
import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import { placeholdersIn, renderPrompt } from '../../../functions/shared/prompts/render';
import type { PromptTemplate } from '../../../functions/shared/prompts/template';
import { validateTemplate } from '../../../functions/shared/prompts/validate';

const PROMPTS_DIR = join(__dirname, '../../../prompts');
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const limits = { maxBytes: 100_000, allowedModels: [SONNET, HAIKU] };

/** Every template file under prompts/, as `<topic>/<version>.json` with its text. */
const templateFiles: ReadonlyArray<readonly [string, string]> = readdirSync(PROMPTS_DIR, {
  recursive: true,
  encoding: 'utf8',
})
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name, readFileSync(join(PROMPTS_DIR, name), 'utf8')] as const);

const isConversationTopic = (topic: string): topic is ConversationTopic =>
  (conversationTopics as readonly string[]).includes(topic);

/** The conversation templates, validated (a template that does not validate fails the first describe). */
const conversationTemplates = (): ReadonlyArray<readonly [ConversationTopic, PromptTemplate]> =>
  templateFiles.flatMap(([, text]) => {
    const validation = validateTemplate(text, limits);
    if (!validation.ok || !isConversationTopic(validation.template.topic)) return [];
    return [[validation.template.topic, validation.template] as const];
  });

const snapshot: BusinessSnapshot = {
  tenantId: 'tenant-harbor',
  fetchedAt: '2026-11-20T08:00:00Z',
  foundation: {
    businessName: 'Harbor Light Bakery',
    industry: 'Artisan bakery and wholesale bread',
    vision: 'Three neighbourhood bakeries and 40 wholesale cafe partners by 2030.',
    purpose: 'Bring people together over honest bread.',
    coreValues: [
      { name: 'Bake it right', description: 'We never ship a loaf we would not eat ourselves.' },
      { name: 'Early and ready', description: undefined },
    ],
    yearFounded: 2014,
    employeeCount: 23,
  },
  goals: [
    {
      id: 'G-1',
      title: 'Sign 12 new wholesale cafe partners',
      status: 'at_risk',
      progress: 25,
      targetDate: '2026-12-31',
      owner: 'Mara Quinn',
    },
    {
      id: 'G-2',
      title: 'Open the second bakery on Pier Street',
      status: 'on_track',
      progress: 60,
      targetDate: '2027-04-30',
    },
  ],
  goalStats: { totalGoals: 2, atRisk: 1, onTrack: 1 },
  performance: {
    overallScore: 64,
    trend: 'down',
    components: [
      { name: 'Goals', score: 52, target: 75 },
      { name: 'Actions', score: 71 },
    ],
  },
  actions: [],
  issues: [],
  gaps: [],
  dropped: {},
};

const turn = (overrides: Partial<ConversationPromptInput> = {}): ConversationPromptInput => ({
  snapshot,
  phase: 'exploration',
  summary: 'The owner told a story about the team rebaking a wedding order overnight.',
  extracted: { values: [{ name: 'Bake it right', meaning: 'We never ship a loaf we would not eat ourselves.' }] },
  exchanges: 3,
  userMessage: 'I think we also care a lot about being on time for the cafes.',
  ...overrides,
});

describe('the templates under prompts/', () => {
  it.each(templateFiles)('%s validates, with its topic and version matching its path', (file, text) => {
    const validation = validateTemplate(text, limits);

    expect(validation.ok ? [] : validation.problems).toEqual([]);
    const template = validation.ok ? validation.template : undefined;
    expect(`${template?.topic}/${template?.version}.json`).toBe(
      `${basename(dirname(join(PROMPTS_DIR, file)))}/${basename(file)}`,
    );
  });
});

describe('the conversation templates', () => {
  it('exist for every conversation topic', () => {
    const topics = conversationTemplates().map(([topic]) => topic);

    expect([...new Set(topics)].sort()).toEqual([...conversationTopics].sort());
  });

  describe.each(conversationTemplates())('%s', (topic, template) => {
    it('declares exactly the six conversation variables and sends the user message alone', () => {
      expect([...template.variables].sort()).toEqual([...conversationPromptVariables].sort());
      expect(template.user_prompt_template).toBe('{{user_message}}');
      expect(template.output_schema).toBe('conversation_turn');
      expect(template.model).toEqual({ id: SONNET, fast: HAIKU, temperature: 0.5, max_tokens: 1500 });
      expect(template.is_active).toBe(true);
    });

    it('requires completion fields that the topic outcome has, and states the criteria in the prompt', () => {
      const outcomeKeys = Object.keys(outcomeSchemas[topic].shape);
      const completion = template.completion;

      expect(completion?.required_fields.length).toBeGreaterThan(0);
      expect(completion?.required_fields.filter((field) => !outcomeKeys.includes(field))).toEqual([]);
      expect(template.system_prompt).toContain(`<exchanges> is at least ${completion?.min_exchanges}.`);
      outcomeKeys.forEach((key) => expect(template.system_prompt).toContain(`"${key}"`));
      expect(template.system_prompt).toContain('Answer only by calling the tool record_turn.');
    });

    it('renders completely for a realistic snapshot, with the business in the system prompt', () => {
      const rendered = renderPrompt(template, conversationPromptValues(turn()));

      expect(placeholdersIn(`${rendered.system}\n${rendered.user}`)).toEqual([]);
      expect(`${rendered.system}${rendered.user}`).not.toContain('{{');
      expect(rendered.system).toContain('Harbor Light Bakery');
      expect(rendered.system).toContain('[G-1] Sign 12 new wholesale cafe partners · at risk · 25% progress');
      expect(rendered.system).toContain('Overall 64/100');
      expect(rendered.system).not.toContain('not available');
      expect(rendered.user).toBe('I think we also care a lot about being on time for the cafes.');
    });

    it('renders completely without a snapshot, saying the business data is not available', () => {
      const rendered = renderPrompt(
        template,
        conversationPromptValues(
          turn({
            snapshot: undefined,
            phase: 'introduction',
            summary: '',
            extracted: {},
            exchanges: 0,
            userMessage: OPENING_MESSAGE(topic),
          }),
        ),
      );

      expect(placeholdersIn(`${rendered.system}\n${rendered.user}`)).toEqual([]);
      expect(`${rendered.system}${rendered.user}`).not.toContain('{{');
      expect(rendered.system).toContain('not available');
      expect(rendered.system).not.toContain('Harbor Light Bakery');
      expect(rendered.user).toBe(OPENING_MESSAGE(topic));
    });
  });
});

describe('conversationPromptValues', () => {
  it('renders the profile, goals and performance score of the snapshot compactly', () => {
    const values = conversationPromptValues(turn());

    expect(values.business_context).toBe(
      [
        'COMPANY',
        'Name: Harbor Light Bakery · Industry: Artisan bakery and wholesale bread · Founded 2014 · 23 employees',
        'Vision: Three neighbourhood bakeries and 40 wholesale cafe partners by 2030.',
        'Purpose: Bring people together over honest bread.',
        'Core values: Bake it right (We never ship a loaf we would not eat ourselves.); Early and ready',
        '',
        'GOALS',
        '- [G-1] Sign 12 new wholesale cafe partners · at risk · 25% progress · due 2026-12-31 · owner Mara Quinn',
        '- [G-2] Open the second bakery on Pier Street · on track · 60% progress · due 2027-04-30',
        '',
        'PERFORMANCE SCORE',
        'Overall 64/100 · trend down',
        '- Goals 52 · target 75',
        '- Actions 71',
      ].join('\n'),
    );
  });

  it('says "not available" for each source that could not be read', () => {
    const partial: BusinessSnapshot = {
      ...snapshot,
      performance: undefined,
      gaps: [{ source: 'performance', reason: 'timeout' }],
    };

    const values = conversationPromptValues(turn({ snapshot: partial }));

    expect(values.business_context).toContain('Harbor Light Bakery');
    expect(values.business_context).toContain('PERFORMANCE SCORE\nnot available');
  });

  it('says "not available" for every section when there is no snapshot', () => {
    const values = conversationPromptValues(turn({ snapshot: undefined }));

    expect(values.business_context).toBe(
      'COMPANY\nnot available\n\nGOALS\nnot available\n\nPERFORMANCE SCORE\nnot available',
    );
  });

  it('passes the session state through, with the outcome as compact JSON', () => {
    const values = conversationPromptValues(turn());

    expect(values).toMatchObject({
      phase: 'exploration',
      conversation_summary: 'The owner told a story about the team rebaking a wedding order overnight.',
      extracted_so_far:
        '{"values":[{"name":"Bake it right","meaning":"We never ship a loaf we would not eat ourselves."}]}',
      exchanges: '3',
      user_message: 'I think we also care a lot about being on time for the cafes.',
    });
  });

  it('says "none yet" and "nothing yet" before there is a summary or an outcome', () => {
    const values = conversationPromptValues(turn({ summary: '  ', extracted: {}, exchanges: 0 }));

    expect(values.conversation_summary).toBe('none yet');
    expect(values.extracted_so_far).toBe('nothing yet');
    expect(values.exchanges).toBe('0');
  });
});

describe('OPENING_MESSAGE', () => {
  it('names the topic in a note from the app', () => {
    expect(OPENING_MESSAGE('core_values')).toBe(
      '(The user has just opened a core values session. Greet them warmly, explain in two sentences how the session works, and ask your first question.)',
    );
    expect(OPENING_MESSAGE('business_coaching')).toContain('a business coaching session');
  });
});
