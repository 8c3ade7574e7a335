import { api } from '../api/client';
import { Bars, Loading, useLoad } from '../ui';
import type { PageProps } from '.';

const DAY_MS = 86_400_000;

/** Usage: tokens and cost per day, by model and by request type, and the month's top tenants. */
export const AdminUsagePage = (_: PageProps) => {
  const range = {
    from: new Date(Date.now() - 29 * DAY_MS).toISOString().slice(0, 10),
    to: new Date().toISOString().slice(0, 10),
  };
  const usage = useLoad(
    () =>
      Promise.all(
        (['day', 'model', 'requestType'] as const).map((groupBy) =>
          api('get', '/admin/usage', { query: { ...range, groupBy } }),
        ),
      ),
    [],
  );
  const top = useLoad(() => api('get', '/admin/usage/top-tenants', { query: { limit: 10 } }), []);
  return (
    <section>
      <h1>Usage</h1>
      <Loading state={usage} minHeight={260}>
        {([byDay, byModel, byType]) => (
          <>
            <p class="meta">
              {byDay?.from} – {byDay?.to}: {byDay?.totals.calls} calls, {byDay?.totals.tokens} tokens, $
              {byDay?.totals.costUsd.toFixed(4)}
            </p>
            <div class="cards">
              <div class="card">
                <h2>Tokens per day</h2>
                <Bars
                  label="Tokens per day"
                  rows={(byDay?.rows ?? []).map((row) => ({ key: row.key, value: row.tokens }))}
                />
              </div>
              <div class="card">
                <h2>Cost per day (USD)</h2>
                <Bars
                  label="Cost per day"
                  rows={(byDay?.rows ?? []).map((row) => ({ key: row.key, value: row.costUsd }))}
                />
              </div>
              {[
                { title: 'By model', report: byModel },
                { title: 'By request type', report: byType },
              ].map(({ title, report }) => (
                <div class="card" key={title}>
                  <h2>{title}</h2>
                  <table>
                    <tbody>
                      {report
                        ? report.rows.map((row) => (
                            <tr key={row.key}>
                              <td>{row.key}</td>
                              <td>{row.tokens} tokens</td>
                              <td>${row.costUsd.toFixed(4)}</td>
                            </tr>
                          ))
                        : null}
                    </tbody>
                  </table>
                  {report?.rows.length === 0 ? <p class="empty">No usage yet.</p> : null}
                </div>
              ))}
            </div>
          </>
        )}
      </Loading>
      <div class="card">
        <h2>Top tenants this month</h2>
        <Loading state={top}>
          {(value) =>
            value.tenants.length === 0 ? (
              <p class="empty">No usage this month.</p>
            ) : (
              <table>
                <tbody>
                  {value.tenants.map((tenant) => (
                    <tr key={tenant.tenantId}>
                      <td>{tenant.tenantId}</td>
                      <td>{tenant.calls} calls</td>
                      <td>{tenant.tokens} tokens</td>
                      <td>${tenant.costUsd.toFixed(4)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loading>
      </div>
    </section>
  );
};
