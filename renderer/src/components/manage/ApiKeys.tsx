import { type SubmitEvent, useEffect, useState } from 'react';
import type { ApiKey, ApiKeyScope } from '../../../../shared/protocol/access';
import { textdesk } from '../../api';
import { fullTime } from '../../format';
import { useStore } from '../../store';
import { TextField } from '../fields';

/** What each scope lets an integration do, in a sentence. */
const SCOPES: readonly { readonly scope: ApiKeyScope; readonly says: string }[] = [
  {
    scope: 'read',
    says: 'Read only: contacts, conversations, lists and consent; it changes nothing.',
  },
  { scope: 'send', says: 'Read, and send texts and notes (always through the consent checks).' },
  {
    scope: 'admin',
    says: 'Everything an admin can do, including people, settings and other keys.',
  },
];

/** Admins' API keys for integrations: listed, created (the secret shown once) and revoked. */
export function ApiKeys() {
  const notify = useStore((state) => state.notify);
  const [keys, setKeys] = useState<readonly ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ApiKeyScope>('read');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const [version, setVersion] = useState(0);

  useEffect(() => {
    void textdesk()
      .admin.apiKeys()
      .then((result) => {
        if (result.ok) setKeys(result.value);
        else notify('error', result.error.message);
      });
  }, [version, notify]);

  const create = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = await textdesk().admin.createApiKey({ name, scope });
    if (!result.ok) {
      notify('error', result.error.message);
      return;
    }
    const { apiKey, secret } = result.value;
    if (secret !== null) setCreated({ name: apiKey.name, secret });
    setName('');
    notify('info', `API key “${apiKey.name}” created.`);
    setVersion((seen) => seen + 1);
  };

  const revoke = async (key: ApiKey) => {
    setRevoking(null);
    const result = await textdesk().admin.revokeApiKey({ apiKeyId: key.id });
    if (!result.ok) {
      notify('error', result.error.message);
      return;
    }
    if (created?.name === key.name) setCreated(null);
    notify('info', `API key “${key.name}” revoked: it no longer works.`);
    setVersion((seen) => seen + 1);
  };

  const says = SCOPES.find((entry) => entry.scope === scope)?.says ?? '';

  return (
    <section className="card" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys for integrations</h2>
      <p className="muted small">
        A key lets a program (a CRM, a booking system, a script) use Textdesk’s API on behalf of the
        admin who created it, within its scope (docs/api.md).
      </p>
      {created !== null && (
        <div className="warning-box" role="status" aria-label="New API key secret">
          <p>
            The secret of “{created.name}”: <code>{created.secret}</code>
          </p>
          <p>Copy it now: it will not be shown again.</p>
          <div className="actions-inline">
            <button
              type="button"
              className="button small"
              onClick={() => {
                void navigator.clipboard.writeText(created.secret).then(
                  () => {
                    notify('info', 'Secret copied.');
                  },
                  () => {
                    notify('error', 'Could not copy: select the secret and copy it yourself.');
                  },
                );
              }}
            >
              Copy
            </button>
            <button
              type="button"
              className="button small"
              onClick={() => {
                setCreated(null);
              }}
            >
              Done
            </button>
          </div>
        </div>
      )}
      {keys === null || keys.length === 0 ? (
        <p className="muted small">{keys === null ? 'Loading…' : 'No API keys yet.'}</p>
      ) : (
        <table className="table" aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Revoked</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id} aria-label={key.name}>
                <td>
                  {key.name} <span className="muted small">{key.prefix}…</span>
                </td>
                <td>{key.scope}</td>
                <td>{fullTime(key.createdAt)}</td>
                <td>{key.lastUsedAt === null ? 'Never' : fullTime(key.lastUsedAt)}</td>
                <td>{key.revokedAt === null ? '' : fullTime(key.revokedAt)}</td>
                <td>
                  {key.revokedAt === null && (
                    <button
                      type="button"
                      className="button small danger"
                      onClick={() => {
                        setRevoking(key);
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking !== null && (
        <div className="warning-box" role="alertdialog" aria-label="Revoke API key">
          <p>
            Revoke “{revoking.name}”? Anything using it is refused from its next request, and it
            cannot be turned back on.
          </p>
          <div className="actions-inline">
            <button
              type="button"
              className="button small danger"
              onClick={() => void revoke(revoking)}
            >
              Revoke key
            </button>
            <button
              type="button"
              className="button small"
              onClick={() => {
                setRevoking(null);
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
      <form onSubmit={(event) => void create(event)} aria-label="Create an API key">
        <h3>Create an API key</h3>
        <div className="form-grid">
          <TextField
            label="Key name"
            required
            maxLength={80}
            placeholder="CRM"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
          <label className="field">
            <span>Scope</span>
            <select
              value={scope}
              onChange={(event) => {
                setScope(event.target.value as ApiKeyScope);
              }}
            >
              {SCOPES.map((entry) => (
                <option key={entry.scope} value={entry.scope}>
                  {entry.scope}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="muted small">{says}</p>
        <button type="submit" className="button primary">
          Create key
        </button>
      </form>
    </section>
  );
}
