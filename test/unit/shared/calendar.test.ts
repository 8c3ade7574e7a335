import { isOverdue, isTimeZone, localDay, localDaysSince } from '../../../functions/shared/calendar';
import type { BusinessSnapshot } from '../../../functions/shared/business-api/model';
import { computeSignals } from '../../../functions/insights/signals';

// 2024-06-15T03:00Z is still June 14 in Los Angeles (UTC-7) and already June 15 in Berlin and Tokyo.
const EARLY_UTC = new Date('2024-06-15T03:00:00Z');

describe('the tenant calendar', () => {
  it('gives the local day of an instant in an IANA zone', () => {
    expect(localDay(EARLY_UTC, 'UTC')).toBe('2024-06-15');
    expect(localDay(EARLY_UTC, 'America/Los_Angeles')).toBe('2024-06-14');
    expect(localDay(new Date('2024-06-15T20:00:00Z'), 'Asia/Tokyo')).toBe('2024-06-16');
  });

  it('never calls something due today overdue, and calls yesterday overdue', () => {
    expect(isOverdue('2024-06-14', EARLY_UTC, 'America/Los_Angeles')).toBe(false);
    expect(isOverdue('2024-06-14', EARLY_UTC, 'UTC')).toBe(true);
    expect(isOverdue('2024-06-15', EARLY_UTC, 'UTC')).toBe(false);
    // A date-time without an offset is a local wall-clock time; one with an offset, that instant.
    expect(isOverdue('2024-06-14T21:00:00', EARLY_UTC, 'America/Los_Angeles')).toBe(false);
    expect(isOverdue('2024-06-14T19:00:00', EARLY_UTC, 'America/Los_Angeles')).toBe(true);
    expect(isOverdue('2024-06-15T02:00:00Z', EARLY_UTC, 'America/Los_Angeles')).toBe(true);
  });

  it('counts whole local days', () => {
    expect(localDaysSince('2024-06-10', EARLY_UTC, 'UTC')).toBe(5);
    expect(localDaysSince('2024-06-10', EARLY_UTC, 'America/Los_Angeles')).toBe(4);
    expect(localDaysSince('2024-06-14T23:30:00-07:00', EARLY_UTC, 'America/Los_Angeles')).toBe(0);
  });

  it('knows IANA zones only', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('insight signals read "overdue" on the tenant calendar', () => {
  const snapshot: BusinessSnapshot = {
    tenantId: 'tenant-1',
    fetchedAt: EARLY_UTC.toISOString(),
    gaps: [],
    dropped: {},
    goals: [
      { id: 'g1', title: 'Launch maintenance plans', status: 'on_track', progress: 60, targetDate: '2024-06-14' },
    ],
    actions: [
      { id: 'a1', title: 'Price maintenance plans', status: 'open', dueDate: '2024-06-14', goalId: 'g1' },
      { id: 'a2', title: 'Call the supplier', status: 'open', dueDate: '2024-06-14', goalId: 'g1' },
    ],
  };
  const kinds = (timeZone: string): string[] =>
    computeSignals(snapshot, EARLY_UTC, { timeZone }).map((signal) => signal.kind);

  it('an action and a goal due on the local today are not overdue', () => {
    expect(kinds('America/Los_Angeles')).not.toContain('overdue_actions');
    expect(kinds('America/Los_Angeles')).not.toContain('goal_overdue');
  });

  it('the same data a local day later is overdue', () => {
    expect(kinds('Europe/Berlin')).toEqual(expect.arrayContaining(['overdue_actions', 'goal_overdue']));
  });
});
