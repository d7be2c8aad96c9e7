import type { MemberInfo, NotificationSettings, Proposal } from '@allmende/protocol';
import { startRegistration } from '@simplewebauthn/browser';
import { useState, type FormEvent } from 'react';
import {
  fetchTokens,
  logoutEverywhere,
  registerPasskey,
  registrationOptions,
  revokeToken,
  setPassword,
  type Session,
  type TokenInfo,
} from '../api/auth.ts';
import { ApiError, failureOf, type ApiFailure } from '../api/client.ts';
import { fetchMember } from '../api/coop.ts';
import { fetchDeskInfo, fetchNotificationSettings, saveNotificationSettings } from '../api/desk.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { KeyLabel } from '../log/statement-body.tsx';
import { Link, navigate } from '../router.tsx';
import { draftStatement, type DraftOf } from '../sign/draft.ts';
import { signingErrorOf } from '../sign/passkey.ts';
import { ProposeStatement } from '../sign/propose.tsx';
import { currentKeys, describeSigningProblem } from '../sign/sign-panel.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { ErrorNotice, FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { CheckboxField, TextField } from '../ui/form.tsx';
import { entryPath, memberPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { Farewell, LeaveSection } from './leave-section.tsx';

export function AccountPage() {
  const { t } = useI18n();
  useDocumentTitle(t.account.title);
  const { session, state, refresh } = useSession();
  // Kept here, above the session: leaving ends it, and the farewell outlives the account.
  const [farewell, setFarewell] = useState<Proposal>();
  return (
    <>
      <h1>{t.account.title}</h1>
      {farewell ? (
        <Farewell proposal={farewell} />
      ) : state.status === 'loading' ? null : session ? (
        <Account
          session={session}
          onLeft={(proposal) => {
            setFarewell(proposal);
            refresh();
          }}
        />
      ) : (
        <SignInPrompt text={t.account.signInFirst} />
      )}
    </>
  );
}

function Account({ session, onLeft }: { session: Session; onLeft: (proposal: Proposal) => void }) {
  const { t } = useI18n();
  const member = useApi(`member:${session.handle}`, (signal) =>
    fetchMember(session.handle, signal),
  );
  return (
    <>
      <p className="lead">
        {t.account.signedInAs(session.name)}{' '}
        <Link to={memberPath(session.handle)}>{t.account.publicPage}</Link>
      </p>
      <div className="entry-layout">
        <section className="card" aria-labelledby="keys-heading">
          <h2 id="keys-heading">{t.account.keys}</h2>
          <p className="muted small">{t.account.keysIntro}</p>
          <Loaded state={member.state} onRetry={member.reload}>
            {(info) => <Keys member={info} onChanged={member.reload} />}
          </Loaded>
        </section>
        <div className="stack">
          <Loaded state={member.state} onRetry={member.reload}>
            {(info) => <AwaySection member={info} onChanged={member.reload} />}
          </Loaded>
          <NotificationsSection />
          <PasswordSection />
          <TokensSection />
          <EverywhereSection />
          <Loaded state={member.state} onRetry={member.reload}>
            {(info) => <LeaveSection member={info} onLeft={onLeft} />}
          </Loaded>
        </div>
      </div>
    </>
  );
}

function Keys({ member, onChanged }: { member: MemberInfo; onChanged: () => void }) {
  const { t } = useI18n();
  const a = t.account;
  const [label, setLabel] = useState('');
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const [problem, setProblem] = useState<string>();
  const [draft, setDraft] = useState<DraftOf<'key.added'>>();
  const [revocation, setRevocation] = useState<DraftOf<'key.revoked'>>();
  const current = member.keys.filter((k) => k.revokedAt === null);

  async function addPasskey(event: FormEvent) {
    event.preventDefault();
    if (working) return;
    setWorking(true);
    setFailure(undefined);
    setProblem(undefined);
    try {
      const optionsJSON = await registrationOptions();
      const response = await startRegistration({ optionsJSON });
      const key = await registerPasskey(response, label.trim().normalize('NFC') || undefined);
      setDraft(draftStatement('key.added', member.handle, { handle: member.handle, key }));
    } catch (error) {
      if (error instanceof ApiError) setFailure(failureOf(error));
      else {
        const signing = signingErrorOf(error);
        setProblem(describeSigningProblem(signing.problem, signing.message, t));
      }
    } finally {
      setWorking(false);
    }
  }

  return (
    <>
      <ul className="key-list">
        {current.map((info) => (
          <li key={info.id} className="key">
            <p>
              <KeyLabel memberKey={info.key} />
            </p>
            <p className="small muted">
              {t.members.addedAt}{' '}
              <Link to={entryPath(info.addedAt)}>{t.log.entryLink(String(info.addedAt))}</Link>
            </p>
            {!revocation && (
              <button
                type="button"
                className="button"
                onClick={() =>
                  setRevocation(
                    draftStatement('key.revoked', member.handle, {
                      handle: member.handle,
                      key: info.id,
                    }),
                  )
                }
              >
                {a.revokeKey}
              </button>
            )}
          </li>
        ))}
      </ul>
      {revocation && (
        <>
          <p>{a.revokeKeyIntro}</p>
          <ProposeStatement
            level={3}
            part={revocation}
            signer={member.handle}
            keys={currentKeys(member)}
            onDone={onChanged}
            onCancel={() => setRevocation(undefined)}
          />
        </>
      )}
      <h3>{a.addPasskey}</h3>
      {draft ? (
        <>
          <p>{a.passkeyCreated}</p>
          <ProposeStatement
            level={3}
            part={draft}
            signer={member.handle}
            keys={currentKeys(member)}
            onDone={() => {
              setLabel('');
              onChanged();
            }}
            onCancel={() => setDraft(undefined)}
          />
        </>
      ) : (
        <form onSubmit={(event) => void addPasskey(event)}>
          <TextField
            label={a.passkeyLabel}
            hint={a.passkeyLabelHint}
            value={label}
            onChange={setLabel}
            maxLength={64}
          />
          {failure && <FailureNotice failure={failure} />}
          {problem && <ErrorNotice message={problem} />}
          <button type="submit" className="button button-primary" aria-disabled={working}>
            {working ? a.creatingPasskey : a.createPasskey}
          </button>
        </form>
      )}
    </>
  );
}

/** Stewards say when they are away, so that their deputies answer meanwhile. */
function AwaySection({ member, onChanged }: { member: MemberInfo; onChanged: () => void }) {
  const { t, formatDay } = useI18n();
  const a = t.account;
  const [until, setUntil] = useState('');
  const [draft, setDraft] = useState<DraftOf<'steward.away'>>();

  function start(event: FormEvent) {
    event.preventDefault();
    const body = member.away
      ? { handle: member.handle, away: false }
      : { handle: member.handle, away: true, ...(until ? { until } : {}) };
    setDraft(draftStatement('steward.away', member.handle, body));
  }

  return (
    <section className="card" aria-labelledby="away-heading">
      <h2 id="away-heading">{a.away}</h2>
      <p>
        {member.away
          ? member.awayUntil
            ? a.awayUntil(formatDay(member.awayUntil))
            : a.awayNow
          : a.notAway}
      </p>
      {draft ? (
        <ProposeStatement
          level={3}
          part={draft}
          signer={member.handle}
          keys={currentKeys(member)}
          onDone={onChanged}
          onCancel={() => setDraft(undefined)}
        />
      ) : (
        <form onSubmit={start}>
          {!member.away && (
            <TextField
              label={a.awayUntilLabel}
              hint={a.awayUntilHint}
              type="date"
              value={until}
              onChange={setUntil}
            />
          )}
          <button type="submit" className="button">
            {member.away ? a.back : a.goAway}
          </button>
        </form>
      )}
    </section>
  );
}

/** Which mail the desk sends: new tickets of one's services, answers, copies of one's own. */
function NotificationsSection() {
  const { t } = useI18n();
  const a = t.account;
  const info = useApi('desk', fetchDeskInfo);
  const stored = useApi('desk-notifications', fetchNotificationSettings);
  const [changed, setChanged] = useState<NotificationSettings>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const settings = changed ?? (stored.state.status === 'ready' ? stored.state.data : undefined);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving || !settings) return;
    setSaving(true);
    setSaved(false);
    setFailure(undefined);
    try {
      setChanged(await saveNotificationSettings(settings));
      setSaved(true);
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setSaving(false);
    }
  }

  const set = (key: keyof NotificationSettings) => (checked: boolean) => {
    if (settings) setChanged({ ...settings, [key]: checked });
    setSaved(false);
  };
  return (
    <section className="card" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">{a.notifications}</h2>
      <p className="muted small">
        {info.state.status === 'ready' && !info.state.data.mailOut
          ? a.notificationsOff
          : a.notificationsIntro}
      </p>
      <Loaded state={stored.state} onRetry={stored.reload}>
        {() =>
          settings && (
            <form onSubmit={(event) => void save(event)}>
              <CheckboxField
                label={a.notifyQueue}
                checked={settings.queue}
                onChange={set('queue')}
              />
              <CheckboxField
                label={a.notifyUpdates}
                checked={settings.updates}
                onChange={set('updates')}
              />
              <CheckboxField label={a.notifyOwn} checked={settings.own} onChange={set('own')} />
              {failure && <FailureNotice failure={failure} />}
              <p role="status" className="small">
                {saved ? a.notificationsSaved : ''}
              </p>
              <button type="submit" className="button" aria-disabled={saving}>
                {saving ? t.app.loading : a.saveNotifications}
              </button>
            </form>
          )
        }
      </Loaded>
    </section>
  );
}

function PasswordSection() {
  const { t } = useI18n();
  const a = t.account;
  const [password, setNewPassword] = useState('');
  const [current, setCurrent] = useState('');
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();

  async function save(event: FormEvent) {
    event.preventDefault();
    if (saving) return;
    setSaving(true);
    setSaved(false);
    setFailure(undefined);
    try {
      await setPassword(password, current || undefined);
      setSaved(true);
      setNewPassword('');
      setCurrent('');
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setSaving(false);
    }
  }

  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{a.password}</h2>
      <p className="muted small">{a.passwordIntro}</p>
      <form onSubmit={(event) => void save(event)}>
        <TextField
          label={a.newPassword}
          hint={a.newPasswordHint}
          type="password"
          value={password}
          onChange={setNewPassword}
          required
          autoComplete="new-password"
        />
        <TextField
          label={a.currentPassword}
          hint={a.currentPasswordHint}
          type="password"
          value={current}
          onChange={setCurrent}
          autoComplete="current-password"
        />
        {failure && <FailureNotice failure={failure} />}
        <p role="status" className="small">
          {saved ? a.passwordSaved : ''}
        </p>
        <button type="submit" className="button" aria-disabled={saving}>
          {saving ? t.app.loading : a.savePassword}
        </button>
      </form>
    </section>
  );
}

function TokensSection() {
  const { t, formatDateTime } = useI18n();
  const a = t.account;
  const tokens = useApi('tokens', fetchTokens);
  const [failure, setFailure] = useState<ApiFailure>();

  async function revoke(token: TokenInfo) {
    setFailure(undefined);
    try {
      await revokeToken(token.id);
      tokens.reload();
    } catch (error) {
      setFailure(failureOf(error));
    }
  }

  return (
    <section className="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{a.tokens}</h2>
      <p className="muted small">{a.tokensIntro}</p>
      <Loaded state={tokens.state} onRetry={tokens.reload}>
        {(list) =>
          list.length === 0 ? (
            <p>{a.noTokens}</p>
          ) : (
            <ul className="plain-list token-list">
              {list.map((token) => (
                <li key={token.id}>
                  <p>
                    <strong>{token.label || token.id}</strong>
                  </p>
                  <p className="small muted">
                    {a.tokenCreated(formatDateTime(token.createdAt))}
                    {' · '}
                    {token.lastUsedAt
                      ? a.tokenUsed(formatDateTime(token.lastUsedAt))
                      : a.tokenNeverUsed}
                  </p>
                  <button
                    type="button"
                    className="button button-quiet"
                    aria-label={`${a.revoke}: ${token.label || token.id}`}
                    onClick={() => void revoke(token)}
                  >
                    {a.revoke}
                  </button>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
      {failure && <FailureNotice failure={failure} />}
    </section>
  );
}

function EverywhereSection() {
  const { t } = useI18n();
  const a = t.account;
  const { refresh } = useSession();
  const [failure, setFailure] = useState<ApiFailure>();

  async function everywhere() {
    setFailure(undefined);
    try {
      await logoutEverywhere();
      refresh();
      navigate('/login');
    } catch (error) {
      setFailure(failureOf(error));
    }
  }

  return (
    <section className="card" aria-labelledby="everywhere-heading">
      <h2 id="everywhere-heading">{a.everywhere}</h2>
      <p className="muted small">{a.everywhereIntro}</p>
      {failure && <FailureNotice failure={failure} />}
      <button type="button" className="button button-danger" onClick={() => void everywhere()}>
        {a.everywhereButton}
      </button>
    </section>
  );
}
