import { normalizeHandle } from '@allmende/protocol';
import { startAuthentication } from '@simplewebauthn/browser';
import { useState, type FormEvent } from 'react';
import { passkeyLogin, passkeyLoginOptions, passwordLogin, type Session } from '../api/auth.ts';
import { ApiError, failureOf, type ApiFailure } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate } from '../router.tsx';
import { signingErrorOf } from '../sign/passkey.ts';
import { describeSigningProblem } from '../sign/sign-panel.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { ErrorNotice, FailureNotice } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';

/** Where to go after signing in: a path of this app, never another site. */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next && /^\/(?!\/)/.test(next) && !next.startsWith('/login') ? next : '/';
}

export function LoginPage() {
  const { t } = useI18n();
  const l = t.login;
  useDocumentTitle(l.title);
  const { session, signedIn } = useSession();
  const [working, setWorking] = useState<'passkey' | 'password'>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [problem, setProblem] = useState<string>();
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');

  function done(answer: Session) {
    signedIn(answer);
    navigate(nextPath());
  }

  function fail(error: unknown) {
    if (error instanceof ApiError) {
      const why = failureOf(error);
      if (why.kind === 'http' && why.code === 'AUTH_FAILED') setProblem(l.failed);
      else setFailure(why);
    } else {
      const signing = signingErrorOf(error);
      setProblem(describeSigningProblem(signing.problem, signing.message, t));
    }
  }

  async function withPasskey() {
    if (working) return;
    setWorking('passkey');
    setFailure(undefined);
    setProblem(undefined);
    try {
      const optionsJSON = await passkeyLoginOptions();
      done(await passkeyLogin(await startAuthentication({ optionsJSON })));
    } catch (error) {
      fail(error);
    } finally {
      setWorking(undefined);
    }
  }

  async function withPassword(event: FormEvent) {
    event.preventDefault();
    if (working) return;
    setWorking('password');
    setFailure(undefined);
    setProblem(undefined);
    try {
      done(await passwordLogin(normalizeHandle(handle), password));
    } catch (error) {
      fail(error);
    } finally {
      setWorking(undefined);
    }
  }

  if (session) {
    return (
      <>
        <h1>{l.title}</h1>
        <p>{l.already(session.name)}</p>
        <p>
          <Link to="/account">{t.app.account}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{l.title}</h1>
      <p className="lead">{l.intro}</p>
      <div className="narrow">
        {failure && <FailureNotice failure={failure} />}
        {problem && <ErrorNotice message={problem} />}
        <section className="card" aria-labelledby="passkey-heading">
          <h2 id="passkey-heading">{l.passkeyHeading}</h2>
          <p className="muted">{l.passkeyText}</p>
          <button
            type="button"
            className="button button-primary button-wide"
            aria-disabled={working !== undefined}
            onClick={() => void withPasskey()}
          >
            {working === 'passkey' ? l.waiting : l.passkeyButton}
          </button>
        </section>
        <section className="card" aria-labelledby="password-heading">
          <h2 id="password-heading">{l.passwordHeading}</h2>
          <form onSubmit={(event) => void withPassword(event)}>
            <TextField
              label={l.handle}
              value={handle}
              onChange={setHandle}
              required
              autoComplete="username"
              spellCheck={false}
            />
            <TextField
              label={l.password}
              type="password"
              value={password}
              onChange={setPassword}
              required
              autoComplete="current-password"
            />
            <button type="submit" className="button" aria-disabled={working !== undefined}>
              {working === 'password' ? t.app.loading : l.passwordButton}
            </button>
          </form>
        </section>
        <p className="muted small">{l.noAccount}</p>
      </div>
    </>
  );
}
