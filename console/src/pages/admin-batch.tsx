import { useState } from 'preact/hooks';
import { api, type ResponseOf } from '../api/client';
import { ErrorBox, Loading, useLoad } from '../ui';
import type { PageProps } from '.';

/** Batch: the tenants the nightly batch covers, and a run looked up by its id. */
export const AdminBatchPage = (_: PageProps) => {
  const tenants = useLoad(() => api('get', '/admin/batch/tenants', { query: { page_size: 100 } }), []);
  const [runId, setRunId] = useState('');
  const [run, setRun] = useState<ResponseOf<'/admin/batch/runs/{runId}', 'get'>>();
  const [error, setError] = useState<unknown>();
  const look = (event: Event): void => {
    event.preventDefault();
    setError(undefined);
    api('get', '/admin/batch/runs/{runId}', { path: { runId } }).then(setRun, setError);
  };
  return (
    <section>
      <h1>Batch runs</h1>
      <form class="row" onSubmit={look}>
        <label>
          Run id <input value={runId} onInput={(e) => setRunId(e.currentTarget.value)} required />
        </label>
        <button type="submit">Show run</button>
      </form>
      {error ? <ErrorBox error={error} /> : null}
      {run ? <pre class="card">{JSON.stringify(run, null, 2)}</pre> : null}
      <h2>Tenants in the batch</h2>
      <Loading state={tenants}>
        {(value) =>
          value.items.length === 0 ? (
            <p class="empty">No tenants registered yet.</p>
          ) : (
            <table>
              <tbody>
                {value.items.map((item) => (
                  <tr key={item.tenantId}>
                    <td>{item.tenantId}</td>
                    <td>{item.source}</td>
                    <td>{item.lastSeenAt ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loading>
    </section>
  );
};
