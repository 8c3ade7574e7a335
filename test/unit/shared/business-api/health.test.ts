import {
  HealthRecordingBusinessData,
  InMemorySourceHealth,
  sourceOutcomes,
  sourceStatus,
} from '../../../../functions/shared/business-api/health';
import { sourceNames, type BusinessSnapshot } from '../../../../functions/shared/business-api/model';
import { onBehalfOf, type BusinessData } from '../../../../functions/shared/business-api/port';
import { recordingLog, settleInvocation, testInvocation } from '../../../support/invocation';

const AT = new Date('2026-12-02T10:00:00.000Z');
const EARLIER = '2026-12-01T10:00:00.000Z';
const LATER = '2026-12-03T10:00:00.000Z';

describe('sourceOutcomes', () => {
  it('counts a source with data or a 404 (no records for the tenant) as answered, any other gap as failed, each once', () => {
    expect(
      sourceOutcomes(
        ['goals', 'issues', 'actions', 'goals'],
        [
          { source: 'issues', reason: 'not_found', status: 404 },
          { source: 'actions', reason: 'http_error', status: 500 },
        ],
      ),
    ).toEqual([
      { source: 'goals', ok: true },
      { source: 'issues', ok: true },
      { source: 'actions', ok: false, gap: { source: 'actions', reason: 'http_error', status: 500 } },
    ]);
  });
});

describe('sourceStatus', () => {
  it.each([
    ['never read', undefined, 'unknown'],
    ['no fields', {}, 'unknown'],
    ['only successes', { lastSuccessAt: EARLIER }, 'healthy'],
    ['only failures', { lastFailureAt: EARLIER, lastError: { reason: 'timeout' as const } }, 'failing'],
    ['failed after its success', { lastSuccessAt: EARLIER, lastFailureAt: LATER }, 'failing'],
    ['answered again after a failure', { lastSuccessAt: LATER, lastFailureAt: EARLIER }, 'healthy'],
  ])('is %s -> %s', (_name, record, status) => {
    expect(sourceStatus(record)).toBe(status);
  });
});

const snapshotOf = (tenantId: string, gaps: BusinessSnapshot['gaps'] = []): BusinessSnapshot => ({
  tenantId,
  fetchedAt: AT.toISOString(),
  gaps,
  dropped: {},
});

describe('HealthRecordingBusinessData', () => {
  it("answers the inner snapshot and records the sources it asked for under the caller's tenant, settled with the invocation", async () => {
    const inner: BusinessData = {
      snapshot: jest.fn().mockResolvedValue(snapshotOf('acme', [{ source: 'goals', reason: 'timeout' }])),
    };
    const health = new InMemorySourceHealth();
    const { invocation } = testInvocation({ tenantId: 'acme' });

    const snapshot = await new HealthRecordingBusinessData(inner, health, () => AT).snapshot(onBehalfOf(invocation), [
      'goals',
      'issues',
    ]);
    await settleInvocation(invocation);

    expect(snapshot.gaps).toEqual([{ source: 'goals', reason: 'timeout' }]);
    expect(await health.read('acme', AT)).toEqual({
      goals: { lastFailureAt: AT.toISOString(), lastError: { reason: 'timeout' } },
      issues: { lastSuccessAt: AT.toISOString() },
    });
    expect(await health.read('other', AT)).toEqual({});
  });

  it('records all six sources when the caller asks for no list', async () => {
    const inner: BusinessData = { snapshot: jest.fn().mockResolvedValue(snapshotOf('acme')) };
    const health = new InMemorySourceHealth();
    const { invocation } = testInvocation({ tenantId: 'acme' });

    await new HealthRecordingBusinessData(inner, health, () => AT).snapshot(onBehalfOf(invocation));
    await settleInvocation(invocation);

    expect(Object.keys(await health.read('acme', AT))).toEqual(sourceNames);
  });

  it('never fails the read when the health cannot be written: the write is logged as a failed background write', async () => {
    const inner: BusinessData = { snapshot: jest.fn().mockResolvedValue(snapshotOf('acme')) };
    const failing = { record: jest.fn().mockRejectedValue(new Error('throttled')), read: jest.fn() };
    const { log, lines } = recordingLog();
    const { invocation } = testInvocation({ tenantId: 'acme', log });

    const snapshot = await new HealthRecordingBusinessData(inner, failing).snapshot(onBehalfOf(invocation), ['goals']);
    await settleInvocation(invocation);

    expect(snapshot.tenantId).toBe('acme');
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'background write failed',
        fields: expect.objectContaining({ write: 'source health', sources: ['goals'] }),
      }),
    );
  });
});
