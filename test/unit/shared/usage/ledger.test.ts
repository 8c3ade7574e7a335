import { monthPace, projectAtPace } from '../../../../functions/shared/usage/ledger';

describe('the daily pace of a month (UTC)', () => {
  it('counts the days begun, today as a whole day, so the 1st is day one', () => {
    expect(monthPace('2026-11', new Date('2026-11-01T00:00:00.000Z'))).toEqual({ elapsedDays: 1, daysInMonth: 30 });
    expect(monthPace('2026-11', new Date('2026-11-21T23:59:59.999Z'))).toEqual({ elapsedDays: 21, daysInMonth: 30 });
    expect(monthPace('2028-02', new Date('2028-02-29T12:00:00.000Z'))).toEqual({ elapsedDays: 29, daysInMonth: 29 });
  });

  it('counts a past month as over and a later month as not begun', () => {
    const now = new Date('2026-11-21T10:00:00.000Z');

    expect(monthPace('2026-02', now)).toEqual({ elapsedDays: 28, daysInMonth: 28 });
    expect(monthPace('2026-12', now)).toEqual({ elapsedDays: 0, daysInMonth: 31 });
  });

  it('projects month-to-date use over the days begun to the whole month, rounded', () => {
    expect(projectAtPace(1_000, '2026-11', new Date('2026-11-01T01:00:00.000Z'))).toBe(30_000);
    expect(projectAtPace(2_400, '2026-11', new Date('2026-11-21T10:00:00.000Z'))).toBe(3_429);
    expect(projectAtPace(2_400, '2026-11', new Date('2026-11-30T10:00:00.000Z'))).toBe(2_400);
  });

  it('projects a past month at what it used, and a later one at nothing', () => {
    const now = new Date('2026-11-21T10:00:00.000Z');

    expect(projectAtPace(5_000, '2026-10', now)).toBe(5_000);
    expect(projectAtPace(5_000, '2026-12', now)).toBe(0);
  });
});
