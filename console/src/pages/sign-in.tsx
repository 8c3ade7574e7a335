import { signIn, type Session } from '../auth';
import { ErrorBox, Loading, useLoad } from '../ui';

interface DemoUser {
  readonly tenantId: string;
  readonly userId: string;
  readonly role: Session['role'];
  readonly label: string;
}

/** The local runtime's sign-in: the demo tenants' users; picking one mints its dev token (local only). */
export const LocalSignIn = ({ onSignedIn }: { onSignedIn: (session: Session) => void }) => {
  const users = useLoad(async () => {
    const response = await fetch('/local/sign-in');
    return ((await response.json()) as { users: DemoUser[] }).users;
  }, []);
  const choose = async (index: number): Promise<void> => {
    const response = await fetch('/local/sign-in', { method: 'POST', body: JSON.stringify({ index }) });
    const { token } = (await response.json()) as { token: string };
    onSignedIn(signIn(token));
  };
  const tenants = [...new Set(users.value?.map((user) => user.tenantId))];
  return (
    <main class="center">
      <h1>Coaching console</h1>
      <p>Local mode: sign in as a demo user (dev tokens, minted by the local runtime only).</p>
      {users.error ? <ErrorBox error={users.error} /> : null}
      <Loading state={users}>
        {(list) => (
          <div class="tenants">
            {tenants.map((tenantId) => (
              <section class="card" key={tenantId}>
                <h2>{tenantId}</h2>
                <div class="row">
                  {list.map((user, index) =>
                    user.tenantId === tenantId ? (
                      <button type="button" key={index} onClick={() => void choose(index)}>
                        {user.label} <span class="muted">({user.userId})</span>
                      </button>
                    ) : null,
                  )}
                </div>
              </section>
            ))}
          </div>
        )}
      </Loading>
    </main>
  );
};
