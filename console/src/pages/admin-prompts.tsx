import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ErrorBox, Loading, useLoad } from '../ui';
import type { PageProps } from '.';

/** Prompt admin: topics, versions, side-by-side diff, label moves, rollback and a dry-run preview. */
export const AdminPromptsPage = ({ session }: PageProps) => {
  const topics = useLoad(() => api('get', '/admin/prompts'), []);
  const [topic, setTopic] = useState('');
  const [from, setFrom] = useState('production');
  const [to, setTo] = useState('');
  const [error, setError] = useState<unknown>();
  const [preview, setPreview] = useState('');
  const versions = useLoad(
    () => (topic ? api('get', '/admin/prompts/{topic}/versions', { path: { topic } }) : Promise.resolve(undefined)),
    [topic],
  );
  const diff = useLoad(
    () =>
      topic && to
        ? api('get', '/admin/prompts/{topic}/diff', { path: { topic }, query: { from, to } })
        : Promise.resolve(undefined),
    [topic, from, to],
  );
  const guard = (work: Promise<unknown>): void => {
    setError(undefined);
    work.then(() => {
      topics.reload();
      versions.reload();
      diff.reload();
    }, setError);
  };
  const move = (label: 'production' | 'staging', version: string): void =>
    guard(api('post', '/admin/prompts/{topic}/labels/{label}', { path: { topic, label }, body: { version } }));
  const rollback = (): void => guard(api('post', '/admin/prompts/{topic}/rollback', { path: { topic } }));
  const dryRun = (version: string): void =>
    guard(
      api('post', '/admin/prompts/{topic}/versions/{version}/preview', {
        path: { topic, version },
        body: { tenantId: session.tenantId, invoke: false },
      }).then((result) =>
        setPreview(
          `${result.rendered.system}\n\n---\n\n${result.rendered.user}\n\n(~${result.tokenEstimate.total} tokens)`,
        ),
      ),
    );
  const lines = (diff.value?.unified.split('\n') ?? []).filter((line) => !/^(Index: |={10,}|--- |\+\+\+ )/.test(line));
  return (
    <section>
      <h1>Prompts</h1>
      {error ? <ErrorBox error={error} /> : null}
      <Loading state={topics}>
        {({ topics: list }) => (
          <table>
            <thead>
              <tr>
                <th scope="col">Topic</th>
                <th scope="col">production</th>
                <th scope="col">staging</th>
                <th scope="col">latest</th>
                <th scope="col">versions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((row) => (
                <tr key={row.topic}>
                  <td>
                    <button
                      type="button"
                      class="link"
                      onClick={() => setTopic(row.topic)}
                      aria-pressed={row.topic === topic}
                    >
                      {row.topic}
                    </button>
                  </td>
                  <td data-testid={`production-${row.topic}`}>{row.labels.production ?? '—'}</td>
                  <td>{row.labels.staging ?? '—'}</td>
                  <td>{row.latestVersion}</td>
                  <td>{row.versions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loading>
      {topic ? (
        <Loading state={versions}>
          {(value) =>
            value ? (
              <div class="card">
                <div class="toolbar">
                  <h2>{topic}</h2>
                  <button type="button" onClick={rollback}>
                    Roll back production
                  </button>
                </div>
                <table>
                  <tbody>
                    {value.versions.map((version) => (
                      <tr key={version.version}>
                        <td>{version.version}</td>
                        <td>
                          <span class="badge">{version.status}</span>
                        </td>
                        <td>{version.title}</td>
                        <td class="row">
                          <button type="button" onClick={() => move('production', version.version)}>
                            → production
                          </button>
                          <button type="button" onClick={() => move('staging', version.version)}>
                            → staging
                          </button>
                          <button type="button" onClick={() => setTo(version.version)}>
                            Diff
                          </button>
                          <button type="button" onClick={() => dryRun(version.version)}>
                            Preview
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <label>
                  Diff from <input value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
                </label>
              </div>
            ) : null
          }
        </Loading>
      ) : null}
      {diff.error ? <ErrorBox error={diff.error} /> : null}
      {diff.value ? (
        <div class="diff" data-testid="diff">
          <p>
            {diff.value.from} → {diff.value.to}: {diff.value.changedFields.join(', ') || 'no changes'}
          </p>
          <div class="side">
            <pre aria-label="Before">
              {lines
                .filter((line) => !line.startsWith('+'))
                .map((line, i) => (
                  <span key={i} class={line.startsWith('-') ? 'del' : ''}>{`${line}\n`}</span>
                ))}
            </pre>
            <pre aria-label="After">
              {lines
                .filter((line) => !line.startsWith('-'))
                .map((line, i) => (
                  <span key={i} class={line.startsWith('+') ? 'add' : ''}>{`${line}\n`}</span>
                ))}
            </pre>
          </div>
        </div>
      ) : null}
      {preview ? (
        <div class="card">
          <h2>Dry-run preview ({session.tenantId})</h2>
          <pre>{preview}</pre>
        </div>
      ) : null}
    </section>
  );
};
