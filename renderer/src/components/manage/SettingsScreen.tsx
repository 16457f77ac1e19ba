import { type SubmitEvent, useEffect, useState } from 'react';
import type { IpcOutput } from '../../../../shared/ipc';
import { isCountryCode } from '../../../../shared/phone';
import { textdesk } from '../../api';
import { displayPhone, fullTime } from '../../format';
import { useStore } from '../../store';
import { selectCountry } from '../../store/sessionSlice';
import { CountrySelect, TextField } from '../fields';
import { ApiKeys } from './ApiKeys';
import { MediaRetention } from './MediaRetention';
import { SendingHours } from './SendingHours';
import { SessionsDialog } from './Sessions';

const ROLES = ['agent', 'supervisor', 'admin'] as const;
const ZONES: readonly string[] = Intl.supportedValuesOf('timeZone');

function People() {
  const users = useStore((state) => state.account?.users) ?? [];
  const me = useStore((state) => state.session?.user?.id);
  const act = useStore((state) => state.act);
  const empty = { name: '', email: '', role: 'agent' as (typeof ROLES)[number], password: '' };
  const [person, setPerson] = useState(empty);
  const [sessionsOf, setSessionsOf] = useState<{ id: string; name: string } | null>(null);

  const add = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void act({ type: 'user.create', ...person }, `${person.name} can now sign in.`).then(
      (result) => {
        if (result !== null) setPerson(empty);
      },
    );
  };

  return (
    <section className="card" aria-labelledby="people-title">
      <h2 id="people-title">People</h2>
      <table className="table people">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Access</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} aria-label={user.name}>
              <td>
                {user.name}
                {user.id === me && <span className="muted"> (you)</span>}
              </td>
              <td>{user.email}</td>
              <td>
                <select
                  aria-label={`Role of ${user.name}`}
                  value={user.role}
                  onChange={(event) =>
                    void act({
                      type: 'user.update',
                      userId: user.id,
                      role: event.target.value as (typeof ROLES)[number],
                    })
                  }
                >
                  {ROLES.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <label className="check small">
                  <input
                    type="checkbox"
                    checked={!user.disabled}
                    onChange={(event) =>
                      void act({
                        type: 'user.update',
                        userId: user.id,
                        disabled: !event.target.checked,
                      })
                    }
                  />
                  Can sign in
                </label>
              </td>
              <td>
                <button
                  type="button"
                  className="button small"
                  onClick={() => {
                    setSessionsOf({ id: user.id, name: user.name });
                  }}
                >
                  Sessions…
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessionsOf !== null && (
        <SessionsDialog
          user={sessionsOf}
          onClose={() => {
            setSessionsOf(null);
          }}
        />
      )}
      <form className="add-person" onSubmit={add} aria-label="Add a person">
        <h3>Add a person</h3>
        <div className="form-grid">
          <TextField
            label="Name"
            required
            value={person.name}
            onChange={(event) => {
              setPerson({ ...person, name: event.target.value });
            }}
          />
          <TextField
            label="Email"
            type="email"
            required
            value={person.email}
            onChange={(event) => {
              setPerson({ ...person, email: event.target.value });
            }}
          />
          <label className="field">
            <span>Role</span>
            <select
              value={person.role}
              onChange={(event) => {
                setPerson({ ...person, role: event.target.value as (typeof ROLES)[number] });
              }}
            >
              {ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </label>
          <TextField
            label="First password (12 characters or more)"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            value={person.password}
            onChange={(event) => {
              setPerson({ ...person, password: event.target.value });
            }}
          />
        </div>
        <button type="submit" className="button primary">
          Add person
        </button>
      </form>
    </section>
  );
}

function Account() {
  const profile = useStore((state) => state.account?.profile ?? null);
  const country = useStore(selectCountry);
  const act = useStore((state) => state.act);
  const [businessName, setBusinessName] = useState(profile?.businessName ?? '');
  const [defaultCountry, setDefaultCountry] = useState(profile?.defaultCountry ?? 'US');
  const [timeZone, setTimeZone] = useState(profile?.timeZone ?? '');
  const [number, setNumber] = useState('');

  const save = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void act(
      {
        type: 'account.update',
        businessName: businessName.trim(),
        ...(isCountryCode(defaultCountry) && { defaultCountry }),
        timeZone: timeZone === '' ? null : timeZone,
      },
      'Account settings saved.',
    );
  };

  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <form onSubmit={save} aria-label="Account settings">
        <div className="form-grid">
          <TextField
            label="Business name (in the HELP reply and templates)"
            required
            maxLength={100}
            value={businessName}
            onChange={(event) => {
              setBusinessName(event.target.value);
            }}
          />
          <label className="field">
            <span>Default country (for numbers typed without +)</span>
            <CountrySelect
              value={defaultCountry}
              onChange={(event) => {
                setDefaultCountry(event.target.value);
              }}
            />
          </label>
          <label className="field">
            <span>Time zone (sending hours where a number does not say)</span>
            <select
              value={timeZone}
              onChange={(event) => {
                setTimeZone(event.target.value);
              }}
            >
              <option value="">From each number</option>
              {ZONES.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </label>
        </div>
        <button type="submit" className="button primary">
          Save account
        </button>
      </form>
      <h3>Business numbers</h3>
      <ul className="plain-list">
        {(profile?.businessNumbers ?? []).map((phone) => (
          <li key={phone}>{displayPhone(phone, country)}</li>
        ))}
      </ul>
      <form
        className="row-form"
        onSubmit={(event) => {
          event.preventDefault();
          void act({ type: 'businessNumber.add', phone: number.trim() }, 'Number added.').then(
            (result) => {
              if (result !== null) setNumber('');
            },
          );
        }}
      >
        <input
          className="text-input"
          aria-label="New business number"
          placeholder="+1 201 555 0100"
          value={number}
          onChange={(event) => {
            setNumber(event.target.value);
          }}
        />
        <button type="submit" className="button" disabled={number.trim() === ''}>
          Add number
        </button>
      </form>
    </section>
  );
}

/** The opt-out webhook's address, signing secret and delivery log (R10), for admins. */
export function OptOutWebhook() {
  const notify = useStore((state) => state.notify);
  const [settings, setSettings] = useState<IpcOutput<'admin.webhook'> | null>(null);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const changes = useStore((state) => state.changeCount);

  useEffect(() => {
    void textdesk()
      .admin.webhook()
      .then((result) => {
        if (!result.ok) return;
        setSettings(result.value);
        setUrl((typed) => (typed === '' ? (result.value.url ?? '') : typed));
      });
  }, [changes]);

  const save = async (rotateSecret: boolean) => {
    const result = await textdesk().admin.setWebhook({
      url: url.trim() === '' ? null : url.trim(),
      ...(rotateSecret && { rotateSecret }),
    });
    if (!result.ok) {
      notify('error', result.error.message);
      return;
    }
    setSettings(result.value);
    setSecret(result.value.secret);
    notify('info', 'Opt-out webhook saved.');
  };

  return (
    <section className="card" aria-labelledby="webhook-title">
      <h2 id="webhook-title">Opt-out webhook</h2>
      <p className="muted small">
        Every opt-out is sent to this address as JSON, signed with HMAC-SHA256 of the body in the
        X-Textdesk-Signature header (docs/api.md).
      </p>
      <div className="row-form">
        <input
          className="text-input"
          type="url"
          aria-label="Webhook address"
          placeholder="https://crm.example.com/hooks/textdesk"
          value={url}
          onChange={(event) => {
            setUrl(event.target.value);
          }}
        />
        <button type="button" className="button primary" onClick={() => void save(false)}>
          Save
        </button>
        <button type="button" className="button" onClick={() => void save(true)}>
          New secret
        </button>
      </div>
      {secret !== null && (
        <p className="warning-box" role="status">
          The signing secret, shown once: <code>{secret}</code>
        </p>
      )}
      {settings?.secretHint != null && secret === null && (
        <p className="muted small">Secret ends in {settings.secretHint}.</p>
      )}
      <h3>Deliveries</h3>
      {settings === null || settings.deliveries.length === 0 ? (
        <p className="muted small">Nothing sent yet.</p>
      ) : (
        <table className="table" aria-label="Webhook deliveries">
          <thead>
            <tr>
              <th>When</th>
              <th>Number</th>
              <th>Source</th>
              <th>Result</th>
            </tr>
          </thead>
          <tbody>
            {settings.deliveries.map((delivery, index) => (
              <tr key={`${delivery.at}-${String(index)}`}>
                <td>{fullTime(delivery.at)}</td>
                <td>{delivery.number}</td>
                <td>{delivery.source}</td>
                <td className={delivery.status === 'failed' ? 'error' : undefined}>
                  {delivery.status}
                  {delivery.httpStatus !== null && ` (HTTP ${String(delivery.httpStatus)})`}
                  {delivery.attempts > 1 && `, ${String(delivery.attempts)} attempts`}
                  {delivery.error !== null && ` · ${delivery.error}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Admins: people and roles, the account's settings, its sending hours and how long files are kept. */
export function SettingsScreen() {
  return (
    <div className="screen-body">
      <People />
      <Account />
      <SendingHours />
      <MediaRetention />
      <ApiKeys />
    </div>
  );
}
