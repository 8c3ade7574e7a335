import * as z from '../../../../functions/shared/zod';
import { actionStatusSchema, goalStatusSchema, prioritySchema } from '../../../../functions/shared/business-api/model';

const parsed = (schema: z.ZodMiniType, value: unknown): unknown => {
  const result = z.safeParse(schema, value);
  return result.success ? result.data : 'rejected';
};

describe('the .NET enum schemas', () => {
  it.each([
    ['OnTrack', 'on_track'],
    ['on-track', 'on_track'],
    ['ON TRACK', 'on_track'],
    ['NotStarted', 'not_started'],
  ])('read the goal status %j as %j', (sent, expected) => {
    expect(parsed(goalStatusSchema, sent)).toBe(expected);
  });

  it('reject an enum sent as its number, rather than guessing which value it is', () => {
    expect([parsed(goalStatusSchema, 2), parsed(prioritySchema, 3)]).toEqual(['rejected', 'rejected']);
  });

  it('reject a name that is no value of the enum', () => {
    expect([parsed(actionStatusSchema, 'Paused'), parsed(prioritySchema, 'urgent')]).toEqual(['rejected', 'rejected']);
  });
});
