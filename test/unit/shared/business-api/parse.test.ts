import { parseSource } from '../../../../functions/shared/business-api/parse';

const goalsFromDotNet = [
  {
    id: 4711,
    title: 'Grow recurring maintenance plans to 250 members',
    status: 'OnTrack',
    progress: 62,
    targetDate: '2026-12-31T00:00:00',
    owner: 'Dana Whitfield',
    createdBy: 'migration',
  },
  { id: 4712, title: 'Reduce callback rate below 3%', status: 'at-risk', progress: '45%', targetDate: '2026-12-15' },
];

describe('parseSource', () => {
  it('parses a bare body', () => {
    const result = parseSource('goals', goalsFromDotNet);

    expect(result.success && result.value.map((goal) => goal.title)).toEqual([
      'Grow recurring maintenance plans to 250 members',
      'Reduce callback rate below 3%',
    ]);
  });

  it('parses the payload of a { data } envelope the same as a bare body', () => {
    const bare = parseSource('goals', goalsFromDotNet);

    const wrapped = parseSource('goals', { data: goalsFromDotNet, success: true, message: null });

    expect(wrapped.success).toBe(true);
    expect(wrapped).toEqual(bare);
  });

  it('normalizes .NET enum casing and numeric ids, and ignores unknown fields', () => {
    const result = parseSource('goals', goalsFromDotNet);

    expect(result.success && result.value[0]).toEqual({
      id: '4711',
      title: 'Grow recurring maintenance plans to 250 members',
      status: 'on_track',
      progress: 62,
      targetDate: '2026-12-31T00:00:00',
      owner: 'Dana Whitfield',
    });
    expect(result.success && result.value[1]?.status).toBe('at_risk');
  });

  it('drops a wrong-typed optional field and keeps the rest of the goal', () => {
    const result = parseSource('goals', goalsFromDotNet);

    expect(result).toEqual({
      success: true,
      value: [
        expect.objectContaining({ id: '4711', progress: 62 }),
        { id: '4712', title: 'Reduce callback rate below 3%', status: 'at_risk', targetDate: '2026-12-15' },
      ],
      dropped: ['goals[1].progress'],
    });
  });

  it('drops an action without a title and reports it by its index in the body', () => {
    const actions = [
      { id: 'A-1', title: 'Call lapsed members', status: 'InProgress', dueDate: '2026-11-14T00:00:00' },
      { id: 'A-2', status: 'Open', dueDate: '2026-11-30T00:00:00' },
      { id: 'A-3', title: 'Renew fleet insurance', status: 'Open' },
    ];

    const result = parseSource('actions', actions);

    expect(result).toEqual({
      success: true,
      value: [expect.objectContaining({ id: 'A-1' }), expect.objectContaining({ id: 'A-3' })],
      dropped: ['actions[1]'],
    });
  });

  it('drops an element whose required field has the wrong type, reporting only the element', () => {
    const issues = [
      { id: 1, title: 42, priority: 'High' },
      { id: 2, title: 'Van off the road', priority: 'Critical' },
    ];

    const result = parseSource('issues', issues);

    expect(result).toEqual({
      success: true,
      value: [{ id: '2', title: 'Van off the road', priority: 'critical' }],
      dropped: ['issues[0]'],
    });
  });

  it('reports original indexes when drops in several passes shift an array', () => {
    const actions = [{ id: 'A-1' }, { id: 'A-2', title: 7 }, { id: 'A-3', title: 'Kept', dueDate: 'next week' }];

    const result = parseSource('actions', actions);

    expect(result).toEqual({
      success: true,
      value: [{ id: 'A-3', title: 'Kept' }],
      dropped: ['actions[0]', 'actions[2].dueDate', 'actions[1]'],
    });
  });

  it('drops an out-of-range nested field, and a nested element whose required field is wrong', () => {
    const performance = {
      overallScore: 71,
      components: [
        { name: 'Hygiene recall', score: 58, target: 80, weight: 25 },
        { name: 'Collections rate', score: 'n/a' },
      ],
    };

    const result = parseSource('performance', performance);

    expect(result).toEqual({
      success: true,
      value: { overallScore: 71, components: [{ name: 'Hygiene recall', score: 58, target: 80 }] },
      dropped: ['performance.components[0].weight', 'performance.components[1]'],
    });
  });

  it('treats null properties as absent without counting them as dropped', () => {
    const foundation = {
      businessName: 'Acme Plumbing',
      vision: null,
      coreValues: [{ name: 'Own it', description: null }],
    };

    const result = parseSource('foundation', foundation);

    expect(result).toEqual({
      success: true,
      value: { businessName: 'Acme Plumbing', coreValues: [{ name: 'Own it' }] },
      dropped: [],
    });
  });

  it('does not modify the body it is given', () => {
    const body = { data: [{ id: 1, title: 'Goal', progress: '45%' }] };
    const before = structuredClone(body);

    parseSource('goals', body);

    expect(body).toEqual(before);
  });

  it.each([
    ['an HTML error page', 'goals', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['null', 'foundation', null],
    ['an envelope holding null', 'goalStats', { data: null }],
    ['an object where a list is expected', 'actions', { items: [] }],
    ['a list where an object is expected', 'performance', [{ overallScore: 80 }]],
  ] as const)('fails on %s', (_, source, body) => {
    const result = parseSource(source, body);

    expect(result).toEqual({ success: false, error: expect.stringMatching(new RegExp(`^${source}: `)) });
  });
});
