import { localTime, showableFrom } from '../../../functions/nudges/local-time';

describe('localTime', () => {
  it('reads the date, hour and weekday in the zone, not in UTC', () => {
    const instant = new Date('2026-03-02T02:30:00Z');

    expect(localTime(instant, 'UTC')).toEqual({ date: '2026-03-02', hour: 2, minute: 30, weekday: 1 });
    expect(localTime(instant, 'America/New_York')).toEqual({ date: '2026-03-01', hour: 21, minute: 30, weekday: 0 });
  });

  it('follows DST: 12:00 UTC is 07:00 in New York before the change and 08:00 after it', () => {
    expect(localTime(new Date('2026-03-07T12:00:00Z'), 'America/New_York').hour).toBe(7);
    expect(localTime(new Date('2026-03-09T12:00:00Z'), 'America/New_York').hour).toBe(8);
  });
});

describe('showableFrom', () => {
  const now = new Date('2026-06-10T22:30:00Z');

  it('is now without quiet hours, outside them, or with equal start and end', () => {
    expect(showableFrom(now, 'UTC', null)).toEqual(now);
    expect(showableFrom(now, 'UTC', { start: '08:00', end: '12:00' })).toEqual(now);
    expect(showableFrom(now, 'UTC', { start: '22:00', end: '22:00' })).toEqual(now);
  });

  it('is the end of quiet hours that run past midnight, in the zone', () => {
    expect(showableFrom(now, 'UTC', { start: '22:00', end: '07:00' }).toISOString()).toBe('2026-06-11T07:00:00.000Z');
    // 22:30 UTC is 00:30 in Berlin (summer time): inside 23:00-06:00, shown at 06:00 Berlin = 04:00 UTC.
    expect(showableFrom(now, 'Europe/Berlin', { start: '23:00', end: '06:00' }).toISOString()).toBe(
      '2026-06-11T04:00:00.000Z',
    );
  });

  it('treats the start minute as quiet and the end minute as not', () => {
    expect(showableFrom(new Date('2026-06-10T22:00:00Z'), 'UTC', { start: '22:00', end: '23:00' }).toISOString()).toBe(
      '2026-06-10T23:00:00.000Z',
    );
    expect(showableFrom(new Date('2026-06-10T23:00:00Z'), 'UTC', { start: '22:00', end: '23:00' }).toISOString()).toBe(
      '2026-06-10T23:00:00.000Z',
    );
  });
});
