import {
  DEFAULT_RESERVATION_MS,
  SWEPT_MEMORY_MS,
  type Reservation,
  type ReservationResult,
  type TenantLimits,
  type UsageLedger,
} from '../../../functions/shared/usage/ledger';
import { HAIKU, meterCall, SONNET, usageEvent } from '../usage-fakes';

/** A ledger to run the contract on, and how to shut down what it runs on. */
export interface LedgerUnderTest {
  readonly ledger: UsageLedger;
  close(): Promise<void>;
}

const LIMITS: TenantLimits = { monthlyTokenBudget: 10_000, monthlyCostBudgetUsd: 1, userRequestsPerMinute: 60 };

/** The reservation of an accepted result; fails the test on a refusal. */
const accepted = (result: ReservationResult): Reservation => {
  if (!result.ok) throw new Error(`reservation refused: ${result.exceeded}`);
  return result.reservation;
};

/**
 * The behaviour every UsageLedger has, as the DynamoDB adapter defines it: limits, rate windows, conditional
 * reservations (concurrent ones overshoot by one call at most) that expire and are swept, idempotent settle and
 * release, once-per-month warnings, month and day rollups, all-tenant days, the ranking, and tenant isolation. The tests share one ledger and keep apart by tenant
 * and by year (each test has its own), so cross-tenant reads see only their own test's tenants.
 */
export const describeUsageLedgerContract = (name: string, open: () => Promise<LedgerUnderTest>): void => {
  describe(`${name} (UsageLedger contract)`, () => {
    let subject: LedgerUnderTest;
    let ledger: UsageLedger;
    let test = 0;
    let tenant: (name: string) => string;
    /** A time in this test's own year: 15 May, 10:00 UTC, plus the given days and seconds. */
    let at: (days?: number, seconds?: number) => Date;
    let month: string;
    let nextMonth: string;
    /** The day of `at()`. */
    let day: string;

    beforeAll(async () => {
      subject = await open();
      ledger = subject.ledger;
    });

    afterAll(async () => {
      await subject.close();
    });

    beforeEach(() => {
      test += 1;
      const year = 2030 + test;
      tenant = (label) => `contract-${test}-${label}`;
      at = (days = 0, seconds = 0) => new Date(Date.UTC(year, 4, 15 + days, 10, 0, seconds));
      month = `${year}-05`;
      nextMonth = `${year}-06`;
      day = `${month}-15`;
    });

    describe('limits', () => {
      it('has no override until a limit is set, and each change sets only the limits it names', async () => {
        const before = await ledger.limitsOverride(tenant('a'));
        const first = await ledger.updateLimits(tenant('a'), { monthlyTokenBudget: 5_000 }, 'admin-1', at());
        const second = await ledger.updateLimits(
          tenant('a'),
          { userRequestsPerMinute: 5, monthlyTokenBudget: 6_000 },
          'admin-2',
          at(1),
        );

        expect(before).toBeUndefined();
        expect(first).toEqual({ monthlyTokenBudget: 5_000 });
        expect(second).toEqual({ monthlyTokenBudget: 6_000, userRequestsPerMinute: 5 });
        expect(await ledger.limitsOverride(tenant('a'))).toEqual(second);
      });

      it('clears a limit set to null and keeps the others; with none left there is no override', async () => {
        await ledger.updateLimits(
          tenant('a'),
          { monthlyTokenBudget: 5_000, userRequestsPerMinute: 5 },
          'admin-1',
          at(),
        );

        const one = await ledger.updateLimits(tenant('a'), { monthlyTokenBudget: null }, 'admin-2', at());
        const mixed = await ledger.updateLimits(
          tenant('a'),
          { userRequestsPerMinute: null, monthlyCostBudgetUsd: 2 },
          'admin-2',
          at(),
        );
        const none = await ledger.updateLimits(tenant('a'), { monthlyCostBudgetUsd: null }, 'admin-2', at());

        expect(one).toEqual({ userRequestsPerMinute: 5 });
        expect(mixed).toEqual({ monthlyCostBudgetUsd: 2 });
        expect(none).toBeUndefined();
        expect(await ledger.limitsOverride(tenant('a'))).toBeUndefined();
      });

      it('clears a limit of a tenant with no override without creating one', async () => {
        expect(await ledger.updateLimits(tenant('a'), { monthlyTokenBudget: null }, 'admin-1', at())).toBeUndefined();
        expect(await ledger.limitsOverride(tenant('a'))).toBeUndefined();
      });

      it('removes the whole override, after which a change starts a new one', async () => {
        await ledger.updateLimits(
          tenant('a'),
          { monthlyTokenBudget: 5_000, userRequestsPerMinute: 5 },
          'admin-1',
          at(),
        );

        await ledger.clearLimits(tenant('a'));
        const cleared = await ledger.limitsOverride(tenant('a'));
        const fresh = await ledger.updateLimits(tenant('a'), { monthlyCostBudgetUsd: 3 }, 'admin-1', at());

        expect(cleared).toBeUndefined();
        expect(fresh).toEqual({ monthlyCostBudgetUsd: 3 });
      });

      it('keeps every limit of concurrent changes to different limits, the first ones included', async () => {
        const changes = [
          { monthlyTokenBudget: 5_000 },
          { monthlyCostBudgetUsd: 2 },
          { userRequestsPerMinute: 5 },
        ] as const;

        for (const label of ['new', 'existing']) {
          if (label === 'existing') await ledger.updateLimits(tenant(label), { monthlyTokenBudget: 1 }, 'admin', at());
          await Promise.all(changes.map((change, i) => ledger.updateLimits(tenant(label), change, `admin-${i}`, at())));

          expect(await ledger.limitsOverride(tenant(label))).toEqual({
            monthlyTokenBudget: 5_000,
            monthlyCostBudgetUsd: 2,
            userRequestsPerMinute: 5,
          });
        }
      });

      it("keeps a tenant's override to that tenant", async () => {
        await ledger.updateLimits(tenant('a'), LIMITS, 'admin-1', at());
        await ledger.updateLimits(tenant('b'), { userRequestsPerMinute: 5 }, 'admin-1', at());
        await ledger.clearLimits(tenant('b'));

        expect(await ledger.limitsOverride(tenant('a'))).toEqual(LIMITS);
        expect(await ledger.limitsOverride(tenant('c'))).toBeUndefined();
      });
    });

    describe('rate windows', () => {
      it("counts a user's requests in the current minute and gives the seconds left in it", async () => {
        const counts = [];
        for (let i = 0; i < 3; i += 1) counts.push(await ledger.countUserRequest(tenant('a'), 'user-1', at(0, 45)));

        expect(counts).toEqual([
          { requests: 1, retryAfterSeconds: 15 },
          { requests: 2, retryAfterSeconds: 15 },
          { requests: 3, retryAfterSeconds: 15 },
        ]);
      });

      it('starts again each minute, and counts each user of each tenant apart', async () => {
        await ledger.countUserRequest(tenant('a'), 'user-1', at(0, 10));
        await ledger.countUserRequest(tenant('a'), 'user-1', at(0, 20));

        const nextMinute = await ledger.countUserRequest(tenant('a'), 'user-1', at(0, 60));
        const otherUser = await ledger.countUserRequest(tenant('a'), 'user-2', at(0, 30));
        const otherTenant = await ledger.countUserRequest(tenant('b'), 'user-1', at(0, 30));

        expect(nextMinute).toEqual({ requests: 1, retryAfterSeconds: 60 });
        expect(otherUser.requests).toBe(1);
        expect(otherTenant.requests).toBe(1);
      });

      it('asks to retry after one second at least', async () => {
        const lastMoment = new Date(at(0, 59).getTime() + 900);

        expect(await ledger.countUserRequest(tenant('a'), 'user-1', lastMoment)).toEqual({
          requests: 1,
          retryAfterSeconds: 1,
        });
      });
    });

    describe('reservations', () => {
      it('reserves while both budgets have room and reports the larger share committed', async () => {
        const amount = { tokens: 2_000, costMicros: 100_000 };

        const first = accepted(await ledger.reserve(tenant('a'), at(), amount, LIMITS));
        const second = accepted(await ledger.reserve(tenant('a'), at(), amount, LIMITS));

        expect(first).toEqual({
          id: expect.any(String),
          tenantId: tenant('a'),
          month,
          tokens: 2_000,
          costMicros: 100_000,
          utilization: 0.2,
          projectedUtilization: 0,
          expiresAt: new Date(at().getTime() + DEFAULT_RESERVATION_MS),
        });
        expect(second.id).not.toBe(first.id);
        expect(second.utilization).toBeCloseTo(0.4);
        expect(await ledger.month(tenant('a'), month)).toMatchObject({
          committedTokens: 4_000,
          committedCostMicros: 200_000,
          calls: 0,
        });
      });

      it("reports the larger share of the budgets the month ends at, at the pace of its settled calls' use", async () => {
        await meterCall(ledger, tenant('a'), at(-14));

        const reserved = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 5_000, costMicros: 1 }, LIMITS));

        // 15 of May's 31 days begun: 1,200 tokens / 15 × 31 = 2,480 of 10,000 (the cost: 6,000 / 15 × 31 of 1,000,000).
        expect(reserved.projectedUtilization).toBeCloseTo(0.248);
        expect(reserved.utilization).toBeCloseTo(0.62);
      });

      it('refuses once the token budget is committed, with the time it resets', async () => {
        const amount = { tokens: 6_000, costMicros: 1_000 };
        await ledger.reserve(tenant('a'), at(), amount, LIMITS);
        await ledger.reserve(tenant('a'), at(), amount, LIMITS);

        const refused = await ledger.reserve(tenant('a'), at(), amount, LIMITS);

        expect(refused).toEqual({ ok: false, exceeded: 'tokens', resetAt: new Date(`${nextMonth}-01T00:00:00.000Z`) });
        expect((await ledger.month(tenant('a'), month)).committedTokens).toBe(12_000);
      });

      it('refuses once the cost budget is committed', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 10, costMicros: 1_000_000 }, LIMITS);

        const refused = await ledger.reserve(tenant('a'), at(), { tokens: 10, costMicros: 1 }, LIMITS);

        expect(refused).toMatchObject({ ok: false, exceeded: 'cost' });
      });

      it('refuses at once under a zero budget, committing nothing', async () => {
        const amount = { tokens: 1, costMicros: 1 };

        const noTokens = await ledger.reserve(tenant('a'), at(), amount, { ...LIMITS, monthlyTokenBudget: 0 });
        const noMoney = await ledger.reserve(tenant('a'), at(), amount, { ...LIMITS, monthlyCostBudgetUsd: 0 });

        expect(noTokens).toMatchObject({ ok: false, exceeded: 'tokens' });
        expect(noMoney).toMatchObject({ ok: false, exceeded: 'cost' });
        expect((await ledger.month(tenant('a'), month)).committedTokens).toBe(0);
        expect(await ledger.topTenants(month, 10)).toEqual([]);
      });

      it('lets 30 concurrent reservations overshoot the budget by one call at most', async () => {
        const amount = { tokens: 1_500, costMicros: 10 };

        const results = await Promise.all(
          Array.from({ length: 30 }, () => ledger.reserve(tenant('a'), at(), amount, LIMITS)),
        );

        const granted = results.filter((result) => result.ok).length;
        const { committedTokens } = await ledger.month(tenant('a'), month);
        expect(committedTokens).toBe(granted * amount.tokens);
        expect(committedTokens).toBeGreaterThanOrEqual(LIMITS.monthlyTokenBudget);
        expect(committedTokens - LIMITS.monthlyTokenBudget).toBeLessThan(amount.tokens);
        expect(results.filter((result) => !result.ok)).toHaveLength(30 - granted);
      });

      it('gives a released reservation back', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 3_000, costMicros: 30 }, LIMITS);
        const held = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 2_000, costMicros: 20 }, LIMITS));

        await ledger.release(held);

        expect(await ledger.month(tenant('a'), month)).toMatchObject({
          committedTokens: 3_000,
          committedCostMicros: 30,
        });
      });

      it('starts each month with nothing committed', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 10_000, costMicros: 1 }, LIMITS);

        const nextMonthsFirst = await ledger.reserve(tenant('a'), at(31), { tokens: 10, costMicros: 1 }, LIMITS);

        expect(nextMonthsFirst).toMatchObject({ ok: true, reservation: { month: nextMonth } });
      });
    });

    describe('reservations that expire', () => {
      /** `seconds` after `at()`. */
      const later = (seconds: number): Date => at(0, seconds);
      const amount = { tokens: 6_000, costMicros: 100 };

      it('keeps counting an unsettled reservation until its expiry', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 10_000, costMicros: 1 }, LIMITS, later(60));

        const beforeExpiry = await ledger.reserve(tenant('a'), later(59), amount, LIMITS);
        const swept = await ledger.sweep(tenant('a'), later(59));

        expect(beforeExpiry).toMatchObject({ ok: false, exceeded: 'tokens' });
        expect(swept).toBe(0);
        expect((await ledger.month(tenant('a'), month)).committedTokens).toBe(10_000);
      });

      it('stops counting a reservation nobody settled once it expired: the next one is granted, and committed is what was used', async () => {
        await meterCall(ledger, tenant('a'), at());
        await ledger.reserve(tenant('a'), at(), { tokens: 9_000, costMicros: 1 }, LIMITS, later(60));

        const next = await ledger.reserve(tenant('a'), later(61), amount, LIMITS, later(120));

        expect(next).toMatchObject({ ok: true, reservation: { tokens: 6_000 } });
        expect(await ledger.month(tenant('a'), month)).toMatchObject({
          calls: 1,
          totalTokens: 1_200,
          committedTokens: 1_200 + 6_000,
          committedCostMicros: 6_000 + 100,
        });
      });

      it('sweeps only the expired ones, once, and says how many', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 100, costMicros: 1 }, LIMITS, later(10));
        await ledger.reserve(tenant('a'), at(), { tokens: 200, costMicros: 2 }, LIMITS, later(20));
        await ledger.reserve(tenant('a'), at(), { tokens: 400, costMicros: 4 }, LIMITS, later(60));

        const first = await ledger.sweep(tenant('a'), later(30));
        const again = await ledger.sweep(tenant('a'), later(30));

        expect([first, again]).toEqual([2, 0]);
        expect(await ledger.month(tenant('a'), month)).toMatchObject({ committedTokens: 400, committedCostMicros: 4 });
      });

      it('sweeps one tenant without touching another', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 100, costMicros: 1 }, LIMITS, later(10));
        await ledger.reserve(tenant('b'), at(), { tokens: 100, costMicros: 1 }, LIMITS, later(10));

        await ledger.sweep(tenant('a'), later(30));

        expect((await ledger.month(tenant('a'), month)).committedTokens).toBe(0);
        expect((await ledger.month(tenant('b'), month)).committedTokens).toBe(100);
      });

      it('counts a settle that comes after its reservation was swept once, with the actual use', async () => {
        const held = accepted(
          await ledger.reserve(tenant('a'), at(), { tokens: 1_800, costMicros: 9_000 }, LIMITS, later(60)),
        );
        await ledger.sweep(tenant('a'), later(61));

        await ledger.settle(held, usageEvent(tenant('a'), at()), 400);
        await ledger.settle(held, usageEvent(tenant('a'), at()), 400);
        await ledger.sweep(tenant('a'), later(120));

        const [tenantDay] = await ledger.days(tenant('a'), day, day);
        expect(await ledger.month(tenant('a'), month)).toMatchObject({
          calls: 1,
          totalTokens: 1_200,
          committedTokens: 1_200,
          committedCostMicros: 6_000,
        });
        expect(tenantDay).toMatchObject({ calls: 1, totalTokens: 1_200 });
      });

      it('gives nothing back twice: a release after the sweep changes nothing', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 300, costMicros: 3 }, LIMITS);
        const held = accepted(
          await ledger.reserve(tenant('a'), at(), { tokens: 1_000, costMicros: 10 }, LIMITS, later(60)),
        );
        await ledger.sweep(tenant('a'), later(61));

        await ledger.release(held);

        expect(await ledger.month(tenant('a'), month)).toMatchObject({ committedTokens: 300, committedCostMicros: 3 });
      });

      it('forgets a swept reservation after a while: a settle that late counts nothing', async () => {
        const held = accepted(
          await ledger.reserve(tenant('a'), at(), { tokens: 1_000, costMicros: 10 }, LIMITS, later(60)),
        );
        await ledger.sweep(tenant('a'), later(61));
        await ledger.sweep(tenant('a'), new Date(later(60).getTime() + SWEPT_MEMORY_MS));

        await ledger.settle(held, usageEvent(tenant('a'), at()), 400);

        expect(await ledger.month(tenant('a'), month)).toMatchObject({ calls: 0, committedTokens: 0 });
      });

      it('sweeps a leaked reservation once when 30 concurrent reservations are refused for it, overshooting by one call at most', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 10_000, costMicros: 1 }, LIMITS, later(60));
        const each = { tokens: 1_500, costMicros: 10 };

        const results = await Promise.all(
          Array.from({ length: 30 }, () => ledger.reserve(tenant('a'), later(61), each, LIMITS, later(120))),
        );

        const granted = results.filter((result) => result.ok).length;
        const { committedTokens } = await ledger.month(tenant('a'), month);
        expect(granted).toBeGreaterThan(0);
        expect(committedTokens).toBe(granted * each.tokens);
        expect(committedTokens - LIMITS.monthlyTokenBudget).toBeLessThan(each.tokens);
      });
    });

    describe('settle', () => {
      it('replaces the reservation by the actual use and rolls the call into the month by request type', async () => {
        const held = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 1_800, costMicros: 9_000 }, LIMITS));

        await ledger.settle(
          held,
          usageEvent(tenant('a'), at(), {
            usage: { cacheReadInputTokens: 300, cacheWriteInputTokens: 50 },
            requestType: 'conversation',
          }),
          400,
        );

        expect(await ledger.month(tenant('a'), month)).toEqual({
          month,
          calls: 1,
          inputTokens: 1_000,
          outputTokens: 200,
          cacheReadTokens: 300,
          cacheWriteTokens: 50,
          totalTokens: 1_200,
          costMicros: 6_000,
          committedTokens: 1_200,
          committedCostMicros: 6_000,
          byRequestType: {
            conversation: {
              calls: 1,
              tokens: 1_200,
              inputTokens: 1_000,
              outputTokens: 200,
              cacheReadTokens: 300,
              cacheWriteTokens: 50,
              costMicros: 6_000,
            },
          },
          byModel: {},
        });
      });

      it("rolls the call into the tenant's day and the all-tenant day, by request type and by model", async () => {
        const first = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 1, costMicros: 1 }, LIMITS));
        const second = accepted(await ledger.reserve(tenant('b'), at(), { tokens: 1, costMicros: 1 }, LIMITS));

        await ledger.settle(first, usageEvent(tenant('a'), at()), 400);
        await ledger.settle(second, usageEvent(tenant('b'), at(), { modelId: HAIKU, costMicros: 2_000 }), 400);

        const [tenantDay] = await ledger.days(tenant('a'), day, day);
        const [allTenants] = await ledger.days(undefined, day, day);
        expect(tenantDay).toMatchObject({
          calls: 1,
          totalTokens: 1_200,
          costMicros: 6_000,
          inputTokens: 1_000,
          outputTokens: 200,
          byRequestType: { insights: { calls: 1, tokens: 1_200, costMicros: 6_000 } },
          byModel: {
            [SONNET]: {
              calls: 1,
              tokens: 1_200,
              inputTokens: 1_000,
              outputTokens: 200,
              cacheReadTokens: 0,
              cacheWriteTokens: 0,
              costMicros: 6_000,
            },
          },
        });
        expect(allTenants).toMatchObject({
          calls: 2,
          totalTokens: 2_400,
          costMicros: 8_000,
          byRequestType: { insights: { calls: 2, tokens: 2_400, costMicros: 8_000 } },
          byModel: {
            [SONNET]: { calls: 1, tokens: 1_200, costMicros: 6_000 },
            [HAIKU]: { calls: 1, tokens: 1_200, costMicros: 2_000 },
          },
        });
      });

      it('adds concurrent calls up exactly', async () => {
        const held = await Promise.all(
          Array.from({ length: 20 }, async () =>
            accepted(await ledger.reserve(tenant('a'), at(), { tokens: 100, costMicros: 100 }, LIMITS)),
          ),
        );

        await Promise.all(held.map((reservation) => ledger.settle(reservation, usageEvent(tenant('a'), at()), 400)));

        expect(await ledger.month(tenant('a'), month)).toMatchObject({
          calls: 20,
          totalTokens: 24_000,
          costMicros: 120_000,
          committedTokens: 24_000,
          committedCostMicros: 120_000,
        });
      });
    });

    describe('settling and releasing twice', () => {
      it('changes nothing on a second settle of the same reservation', async () => {
        const held = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 1_800, costMicros: 9_000 }, LIMITS));
        await ledger.settle(held, usageEvent(tenant('a'), at()), 400);
        const monthOnce = await ledger.month(tenant('a'), month);
        const daysOnce = [await ledger.days(tenant('a'), day, day), await ledger.days(undefined, day, day)];

        await ledger.settle(held, usageEvent(tenant('a'), at()), 400);

        expect(await ledger.month(tenant('a'), month)).toEqual(monthOnce);
        expect([await ledger.days(tenant('a'), day, day), await ledger.days(undefined, day, day)]).toEqual(daysOnce);
        expect(monthOnce).toMatchObject({ calls: 1, committedTokens: 1_200 });
      });

      it('changes nothing on a second release, or a release after the settle', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 3_000, costMicros: 30 }, LIMITS);
        const released = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 2_000, costMicros: 20 }, LIMITS));
        const settled = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 1_800, costMicros: 9_000 }, LIMITS));
        await ledger.release(released);
        await ledger.settle(settled, usageEvent(tenant('a'), at()), 400);

        await ledger.release(released);
        await ledger.release(settled);

        expect(await ledger.month(tenant('a'), month)).toMatchObject({
          calls: 1,
          committedTokens: 3_000 + 1_200,
          committedCostMicros: 30 + 6_000,
        });
      });

      it('changes nothing when a released reservation is settled', async () => {
        const held = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 1_800, costMicros: 9_000 }, LIMITS));
        await ledger.release(held);

        await ledger.settle(held, usageEvent(tenant('a'), at()), 400);

        const [tenantDay] = await ledger.days(tenant('a'), day, day);
        expect(await ledger.month(tenant('a'), month)).toMatchObject({ calls: 0, committedTokens: 0 });
        expect(tenantDay?.calls).toBe(0);
      });
    });

    describe('month', () => {
      it('is all zeros for a month with no use', async () => {
        expect(await ledger.month(tenant('a'), month)).toEqual({
          month,
          calls: 0,
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          totalTokens: 0,
          costMicros: 0,
          committedTokens: 0,
          committedCostMicros: 0,
          byRequestType: {},
          byModel: {},
        });
      });
    });

    describe('warnings', () => {
      it('is the first warning once per tenant, month and warning', async () => {
        const first = await ledger.firstWarning(tenant('a'), month, '0.8');
        const again = await ledger.firstWarning(tenant('a'), month, '0.8');
        const otherWarning = await ledger.firstWarning(tenant('a'), month, 'projection');
        const otherMonth = await ledger.firstWarning(tenant('a'), nextMonth, '0.8');
        const otherTenant = await ledger.firstWarning(tenant('b'), month, '0.8');

        expect([first, again, otherWarning, otherMonth, otherTenant]).toEqual([true, false, true, true, true]);
      });
    });

    describe('days', () => {
      it('lists every day of the range in order, with zeros where nothing was used, across a month end', async () => {
        await meterCall(ledger, tenant('a'), at(16));

        const days = await ledger.days(tenant('a'), `${month}-30`, `${nextMonth}-02`);

        expect(days.map((day) => [day.day, day.calls])).toEqual([
          [`${month}-30`, 0],
          [`${month}-31`, 1],
          [`${nextMonth}-01`, 0],
          [`${nextMonth}-02`, 0],
        ]);
        expect(days[0]).toMatchObject({ totalTokens: 0, costMicros: 0, byRequestType: {}, byModel: {} });
      });
    });

    describe('ranking', () => {
      it("ranks the month's tenants by cost, then by tokens, and returns at most `limit`", async () => {
        await meterCall(ledger, tenant('cheap'), at(), { costMicros: 1_000, usage: { outputTokens: 100 } });
        await meterCall(ledger, tenant('dear'), at(), { costMicros: 9_000, usage: { outputTokens: 100 } });
        await meterCall(ledger, tenant('wordy'), at(), { costMicros: 1_000, usage: { outputTokens: 5_000 } });

        const top = await ledger.topTenants(month, 2);
        const all = await ledger.topTenants(month, 10);

        expect(top).toEqual([
          { tenantId: tenant('dear'), calls: 1, totalTokens: 1_100, costMicros: 9_000 },
          { tenantId: tenant('wordy'), calls: 1, totalTokens: 6_000, costMicros: 1_000 },
        ]);
        expect(all.map((entry) => entry.tenantId)).toEqual([tenant('dear'), tenant('wordy'), tenant('cheap')]);
      });

      it('ranks thirty tenants as one list, wherever each is kept (the DynamoDB index spreads them over shards)', async () => {
        // Costs 1..30 thousand micro-dollars, some tied on cost and told apart by tokens.
        const calls = Array.from({ length: 30 }, (_, i) => ({
          tenantId: tenant(`t${i}`),
          costMicros: 1_000 * (1 + Math.floor(i / 2)),
          outputTokens: 100 * (1 + i),
        }));
        for (const call of calls) {
          await meterCall(ledger, call.tenantId, at(), {
            costMicros: call.costMicros,
            usage: { outputTokens: call.outputTokens },
          });
        }
        const expected = [...calls]
          .sort((a, b) => b.costMicros - a.costMicros || b.outputTokens - a.outputTokens)
          .map((call) => call.tenantId);

        expect((await ledger.topTenants(month, 3)).map((entry) => entry.tenantId)).toEqual(expected.slice(0, 3));
        expect((await ledger.topTenants(month, 12)).map((entry) => entry.tenantId)).toEqual(expected.slice(0, 12));
        expect((await ledger.topTenants(month, 100)).map((entry) => entry.tenantId)).toEqual(expected);
      });

      it('lists a tenant that only reserved with no use, and only in its month', async () => {
        await ledger.reserve(tenant('a'), at(), { tokens: 1, costMicros: 1 }, LIMITS);

        expect(await ledger.topTenants(month, 10)).toEqual([
          { tenantId: tenant('a'), calls: 0, totalTokens: 0, costMicros: 0 },
        ]);
        expect(await ledger.topTenants(nextMonth, 10)).toEqual([]);
      });
    });

    describe('tenant isolation', () => {
      it("never shows one tenant's reservations, calls or days in another's", async () => {
        const held = accepted(await ledger.reserve(tenant('a'), at(), { tokens: 9_999, costMicros: 1 }, LIMITS));
        await ledger.settle(held, usageEvent(tenant('a'), at()), 400);
        await ledger.reserve(tenant('a'), at(), { tokens: 9_999, costMicros: 1 }, LIMITS);

        const other = await ledger.reserve(tenant('b'), at(), { tokens: 100, costMicros: 1 }, LIMITS);
        const otherMonth = await ledger.month(tenant('b'), month);
        const otherDays = await ledger.days(tenant('b'), day, day);

        expect(other).toMatchObject({ ok: true, reservation: { utilization: 0.01 } });
        expect(otherMonth).toMatchObject({ calls: 0, totalTokens: 0, committedTokens: 100 });
        expect(otherDays[0]?.calls).toBe(0);
      });
    });
  });
};
