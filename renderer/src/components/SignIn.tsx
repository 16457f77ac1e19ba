import { type SubmitEvent, useState } from 'react';
import { useStore } from '../store';
import { TextField } from './fields';

/** Team mode: the team's server, and the person's email and password. */
export function SignIn() {
  const session = useStore((state) => state.session);
  const signIn = useStore((state) => state.signIn);
  const switchToSolo = useStore((state) => state.switchToSolo);
  const error = useStore((state) => state.signInError);
  const signingIn = useStore((state) => state.signingIn);
  const [serverUrl, setServerUrl] = useState(session?.serverUrl ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    void signIn({ serverUrl: serverUrl.trim(), email: email.trim(), password });
  };

  return (
    <main className="sign-in">
      <form className="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in to your team</h1>
        <p className="muted">
          Your team’s Textdesk server keeps the shared inbox. Ask whoever set it up for its address.
        </p>
        <TextField
          label="Server address"
          type="url"
          required
          placeholder="https://texts.example.com"
          value={serverUrl}
          onChange={(event) => {
            setServerUrl(event.target.value);
          }}
        />
        <TextField
          label="Email"
          type="email"
          required
          autoComplete="username"
          value={email}
          onChange={(event) => {
            setEmail(event.target.value);
          }}
        />
        <TextField
          label="Password"
          type="password"
          required
          autoComplete="current-password"
          value={password}
          onChange={(event) => {
            setPassword(event.target.value);
          }}
        />
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="button primary" disabled={signingIn}>
            {signingIn ? 'Signing in…' : 'Sign in'}
          </button>
          <button type="button" className="button" onClick={() => void switchToSolo()}>
            Use on this computer only
          </button>
        </div>
      </form>
    </main>
  );
}
