import { DEFAULT_SETTINGS, type NudgePriority, type NudgeType } from '../../../functions/nudges/model';
import { allowed } from '../../../functions/nudges/policy';

const at = (coachLevel: 1 | 2 | 3, extra = {}) => ({
  ...DEFAULT_SETTINGS,
  coachLevel,
  patternInsights: true,
  ...extra,
});
const kinds: [NudgeType, NudgePriority][] = [
  ['action', 'low'],
  ['time', 'medium'],
  ['time', 'high'],
  ['pattern', 'low'],
  ['time', 'critical'],
];
const passing = (settings: ReturnType<typeof at>) =>
  kinds
    .filter(([type, priority]) => allowed({ type, priority }, settings))
    .map(([type, priority]) => `${type}/${priority}`);

describe('allowed', () => {
  it('level 1: critical only; level 2: high and up plus reactive; level 3: everything', () => {
    expect(passing(at(1))).toEqual(['time/critical']);
    expect(passing(at(2))).toEqual(['action/low', 'time/high', 'time/critical']);
    expect(passing(at(3))).toEqual(['action/low', 'time/medium', 'time/high', 'pattern/low', 'time/critical']);
  });

  it('lets nothing through when disabled, a type switched off, or patterns without patternInsights', () => {
    expect(passing(at(3, { enabled: false }))).toEqual([]);
    expect(passing(at(3, { types: { action: true, time: false, pattern: true } }))).toEqual([
      'action/low',
      'pattern/low',
    ]);
    expect(passing(at(3, { patternInsights: false }))).not.toContain('pattern/low');
  });
});
