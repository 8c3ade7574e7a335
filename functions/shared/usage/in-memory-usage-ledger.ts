import { randomUUID } from 'node:crypto';
import {
  belowBudgets,
  daysBetween,
  defaultReservationExpiry,
  eventCounters,
  monthUsage,
  overBudgetRefusal,
  projectedUtilizationOf,
  rankTenants,
  rateWindow,
  releaseCounters,
  reserveCounters,
  settleCounters,
  splitChange,
  sweepAction,
  totalsOf,
  utilizationOf,
  zeroBudgetRefusal,
  type Counters,
  type HeldReservation,
} from './accounting';
import {
  dayOf,
  monthOf,
  type DayUsage,
  type LimitsChange,
  type MonthUsage,
  type Reservation,
  type ReservationResult,
  type TenantLimits,
  type TenantMonthTotal,
  type UsageEvent,
  type UsageLedger,
} from './ledger';

/** Where a rollup belongs: a tenant's month or day, or a day of all tenants (`tenantId` undefined). */
const rollupKey = (tenantId: string | undefined, period: string): string => JSON.stringify([tenantId ?? null, period]);

/**
 * The in-memory twin of DynamoUsageLedger, for unit tests: the same counters (accounting.ts), the
 * same budget checks and the same isolation. Each method changes its state in one synchronous step, so concurrent
 * calls are as atomic as DynamoDB's single-item updates: reservations race exactly as conditional ADDs do. Held
 * reservations expire and are swept as in DynamoDB; nothing else expires (TTL is a storage concern). The events it
 * recorded can be read back with `events()`.
 */
export class InMemoryUsageLedger implements UsageLedger {
  private readonly rollups = new Map<string, Record<string, number>>();
  /** Per month, the tenants that reserved in it (the DynamoDB ranking index holds exactly those). */
  private readonly ranked = new Map<string, Set<string>>();
  private readonly overrides = new Map<string, Partial<TenantLimits>>();
  private readonly rateWindows = new Map<string, number>();
  private readonly warnings = new Set<string>();
  private readonly recorded: UsageEvent[] = [];
  /** Per tenant month (its rollup key), the reservations held in it by id. */
  private readonly held = new Map<string, Map<string, HeldReservation>>();

  async limitsOverride(tenantId: string): Promise<Partial<TenantLimits> | undefined> {
    const limits = this.overrides.get(tenantId);
    return limits && Object.keys(limits).length > 0 ? { ...limits } : undefined;
  }

  /** Who changed the limits, and when, is not kept: nothing reads it back through the port. */
  async updateLimits(
    tenantId: string,
    change: LimitsChange,
    _by: string,
    _at: Date,
  ): Promise<Partial<TenantLimits> | undefined> {
    const { set, cleared } = splitChange(change);
    const limits = { ...this.overrides.get(tenantId), ...set };
    for (const name of cleared) delete limits[name];
    this.overrides.set(tenantId, limits);
    return this.limitsOverride(tenantId);
  }

  async clearLimits(tenantId: string): Promise<void> {
    this.overrides.delete(tenantId);
  }

  async countUserRequest(
    tenantId: string,
    userId: string,
    now: Date,
  ): Promise<{ requests: number; retryAfterSeconds: number }> {
    const { minute, retryAfterSeconds } = rateWindow(now);
    const key = JSON.stringify([tenantId, userId, minute]);
    const requests = (this.rateWindows.get(key) ?? 0) + 1;
    this.rateWindows.set(key, requests);
    return { requests, retryAfterSeconds };
  }

  async reserve(
    tenantId: string,
    now: Date,
    amount: { tokens: number; costMicros: number },
    limits: TenantLimits,
    expiresAt: Date = defaultReservationExpiry(now),
  ): Promise<ReservationResult> {
    const zero = zeroBudgetRefusal(limits, now);
    if (zero) return zero;
    const month = monthOf(now);
    if (!belowBudgets(this.rollups.get(rollupKey(tenantId, month)), limits)) this.sweepMonth(tenantId, month, now);
    const committed = this.rollups.get(rollupKey(tenantId, month));
    if (!belowBudgets(committed, limits)) return overBudgetRefusal(committed, limits, now);
    const id = randomUUID();
    this.heldIn(tenantId, month).set(id, { ...amount, expiresAt: expiresAt.getTime() });
    const after = this.add(tenantId, month, reserveCounters(amount));
    this.ranked.set(month, (this.ranked.get(month) ?? new Set()).add(tenantId));
    const reservation = {
      id,
      tenantId,
      month,
      ...amount,
      utilization: utilizationOf(after, limits),
      projectedUtilization: projectedUtilizationOf(after, limits, month, now),
      expiresAt,
    };
    return { ok: true, reservation };
  }

  async settle(reservation: Reservation, event: UsageEvent, _retentionDays: number): Promise<void> {
    const held = this.heldIn(reservation.tenantId, reservation.month);
    const entry = held.get(reservation.id);
    if (!entry) return;
    held.delete(reservation.id);
    this.recorded.push(event);
    this.add(reservation.tenantId, reservation.month, settleCounters(reservation, event, entry.swept));
    this.add(reservation.tenantId, dayOf(event.at), eventCounters(event, true));
    this.add(undefined, dayOf(event.at), eventCounters(event, true));
  }

  async release(reservation: Reservation): Promise<void> {
    const held = this.heldIn(reservation.tenantId, reservation.month);
    const entry = held.get(reservation.id);
    if (!entry || entry.swept) return;
    held.delete(reservation.id);
    this.add(reservation.tenantId, reservation.month, releaseCounters(entry));
  }

  async sweep(tenantId: string, now: Date): Promise<number> {
    return this.sweepMonth(tenantId, monthOf(now), now);
  }

  async firstWarning(tenantId: string, month: string, warning: string): Promise<boolean> {
    const key = JSON.stringify([tenantId, month, warning]);
    if (this.warnings.has(key)) return false;
    this.warnings.add(key);
    return true;
  }

  async month(tenantId: string, month: string): Promise<MonthUsage> {
    return monthUsage(month, this.rollups.get(rollupKey(tenantId, month)));
  }

  async days(tenantId: string | undefined, from: string, to: string): Promise<DayUsage[]> {
    return daysBetween(from, to).map((day) => ({ day, ...totalsOf(this.rollups.get(rollupKey(tenantId, day))) }));
  }

  async topTenants(month: string, limit: number): Promise<TenantMonthTotal[]> {
    const tenants = [...(this.ranked.get(month) ?? [])];
    return rankTenants(
      tenants.map((tenantId) => ({ tenantId, counters: this.rollups.get(rollupKey(tenantId, month)) ?? {} })),
      limit,
    );
  }

  /** The events settled so far, oldest first. */
  events(): readonly UsageEvent[] {
    return [...this.recorded];
  }

  /** Stops counting the month's expired reservations and forgets long-swept ones; how many it stopped counting. */
  private sweepMonth(tenantId: string, month: string, now: Date): number {
    const held = this.heldIn(tenantId, month);
    let swept = 0;
    for (const [id, entry] of held) {
      const action = sweepAction(entry, now);
      if (action === 'forget') held.delete(id);
      if (action !== 'sweep') continue;
      held.set(id, { ...entry, swept: true });
      this.add(tenantId, month, releaseCounters(entry));
      swept += 1;
    }
    return swept;
  }

  private heldIn(tenantId: string, month: string): Map<string, HeldReservation> {
    const key = rollupKey(tenantId, month);
    let held = this.held.get(key);
    if (!held) this.held.set(key, (held = new Map<string, HeldReservation>()));
    return held;
  }

  /** Adds counters to a rollup (creating it) and returns the rollup as it is now. */
  private add(tenantId: string | undefined, period: string, counters: Counters): Counters {
    const key = rollupKey(tenantId, period);
    const rollup = this.rollups.get(key) ?? {};
    for (const [name, value] of Object.entries(counters)) rollup[name] = (rollup[name] ?? 0) + value;
    this.rollups.set(key, rollup);
    return { ...rollup };
  }
}
