import { parseEnv } from '../../../functions/shared/config';
import { supportEnv } from '../../../functions/support/config';
import {
  DEFAULT_SUPPORT_CONFIG,
  PRIORITIES,
  canMove,
  priorityRank,
  estimateWaitMinutes,
  insideBusinessHours,
  parseSupportConfig,
  routeCategory,
} from '../../../functions/support/model';

// Default hours: Monday to Friday, 09:00-17:00 America/New_York (UTC-5 in December).
const WEDNESDAY_NOON_NY = new Date('2026-12-02T17:00:00Z');
const WEDNESDAY_EVENING_NY = new Date('2026-12-02T23:00:00Z'); // 18:00, opens in 15 h
const SATURDAY_NY = new Date('2026-12-05T15:00:00Z');

describe('support configuration', () => {
  it('is the defaults when unset or empty', () => {
    expect(parseSupportConfig(undefined)).toEqual(DEFAULT_SUPPORT_CONFIG);
    expect(parseSupportConfig('  ')).toEqual(DEFAULT_SUPPORT_CONFIG);
  });

  it('overrides the fields it names and keeps the other defaults', () => {
    const config = parseSupportConfig('{"minutesPerTicket": 4}');

    expect(config.minutesPerTicket).toBe(4);
    expect(config.categories).toEqual(DEFAULT_SUPPORT_CONFIG.categories);
  });

  it.each([
    ['an unknown time zone', { businessHours: { ...DEFAULT_SUPPORT_CONFIG.businessHours, timeZone: 'Mars/Olympus' } }],
    ['a bad clock time', { businessHours: { ...DEFAULT_SUPPORT_CONFIG.businessHours, open: '9am' } }],
    ['a non-positive pace', { minutesPerTicket: 0 }],
    ['a fallback that is no category', { fallbackCategory: 'nowhere' }],
  ])('is refused with %s', (_, override) => {
    expect(() => parseSupportConfig(JSON.stringify(override))).toThrow(/SUPPORT_CONFIG is invalid/);
  });

  it('routes a category to its department and skills, an unknown one to the fallback', () => {
    expect(routeCategory(DEFAULT_SUPPORT_CONFIG, 'billing')).toEqual({
      category: 'billing',
      department: 'billing',
      skills: ['invoicing', 'plans'],
    });
    expect(routeCategory(DEFAULT_SUPPORT_CONFIG, 'constructor').category).toBe('general');
  });
});

describe('business hours and wait estimates', () => {
  it('knows when agents are available in the configured time zone', () => {
    expect(insideBusinessHours(DEFAULT_SUPPORT_CONFIG, WEDNESDAY_NOON_NY)).toBe(true);
    expect(insideBusinessHours(DEFAULT_SUPPORT_CONFIG, WEDNESDAY_EVENING_NY)).toBe(false);
    expect(insideBusinessHours(DEFAULT_SUPPORT_CONFIG, SATURDAY_NY)).toBe(false);
  });

  it('is position x minutes per ticket inside hours', () => {
    expect(estimateWaitMinutes(DEFAULT_SUPPORT_CONFIG, 0, WEDNESDAY_NOON_NY)).toBe(10);
    expect(estimateWaitMinutes(DEFAULT_SUPPORT_CONFIG, 3, WEDNESDAY_NOON_NY)).toBe(40);
  });

  it('adds the time until opening and the out-of-hours factor outside hours', () => {
    // 15 h until Thursday 09:00, then 4 x 10 x 1.5.
    expect(estimateWaitMinutes(DEFAULT_SUPPORT_CONFIG, 3, WEDNESDAY_EVENING_NY)).toBe(15 * 60 + 60);
  });
});

describe('status transitions', () => {
  it.each([
    ['open', 'in_progress', true],
    ['in_progress', 'resolved', true],
    ['resolved', 'open', true],
    ['resolved', 'closed', true],
    ['closed', 'open', false],
    ['closed', 'resolved', false],
    ['open', 'open', false],
  ] as const)('%s -> %s is %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });
});

describe('the support environment', () => {
  it('parses SUPPORT_CONFIG over the defaults, and names it when it is not valid', () => {
    expect(parseEnv(supportEnv, { SUPPORT_CONFIG: '{"minutesPerTicket": 4}' }).SUPPORT_CONFIG.minutesPerTicket).toBe(4);
    expect(parseEnv(supportEnv, {}).SUPPORT_CONFIG).toEqual(DEFAULT_SUPPORT_CONFIG);
    expect(() => parseEnv(supportEnv, { SUPPORT_CONFIG: '{"minutesPerTicket": 0}' })).toThrow(
      /SUPPORT_CONFIG: SUPPORT_CONFIG is invalid/,
    );
    expect(() => parseEnv(supportEnv, { SUPPORT_CONFIG: 'not json' })).toThrow(/SUPPORT_CONFIG: .*JSON/);
  });
});

describe('priorities', () => {
  it('queue urgent first and low last', () => {
    expect(PRIORITIES.map(priorityRank)).toEqual([3, 2, 1, 0]);
  });
});
