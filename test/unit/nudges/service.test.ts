import type { NudgeCandidate } from '../../../functions/nudges/rules/candidate';
import { capOrder } from '../../../functions/nudges/service';

const candidate = (
  type: NudgeCandidate['type'],
  priority: NudgeCandidate['priority'],
  rule: string,
): NudgeCandidate => ({
  type,
  priority,
  rule,
  message: rule,
  evidence: [],
  ttlHours: 1,
  cooldownHours: 1,
});

describe('capOrder', () => {
  it('puts the best of each kind first, then the rest by priority', () => {
    const ordered = capOrder([
      candidate('time', 'medium', 't-medium'),
      candidate('time', 'high', 't-high'),
      candidate('pattern', 'low', 'p-low'),
      candidate('time', 'high', 't-high-2'),
      candidate('action', 'critical', 'a-critical'),
    ]);

    expect(ordered.map((c) => c.rule)).toEqual(['a-critical', 't-high', 'p-low', 't-high-2', 't-medium']);
  });
});
