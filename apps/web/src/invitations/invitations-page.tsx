import type { CreatedInvitation, Invitation } from '@allmende/protocol';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { createInvitation, fetchInvitations, withdrawInvitation } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';
import { useApi } from '../ui/use-api.ts';

export function InvitationsPage() {
  const { t } = useI18n();
  useDocumentTitle(t.invitations.title);
  const { session, state } = useSession();
  return (
    <>
      <h1>{t.invitations.title}</h1>
      <p className="lead">{t.invitations.intro}</p>
      {state.status === 'loading' ? null : session ? (
        <MemberInvitations />
      ) : (
        <SignInPrompt text={t.invitations.signInFirst} />
      )}
    </>
  );
}

function MemberInvitations() {
  const { t } = useI18n();
  const i = t.invitations;
  const invitations = useApi('invitations', fetchInvitations);
  const [note, setNote] = useState('');
  const [creating, setCreating] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const [created, setCreated] = useState<CreatedInvitation>();

  async function create(event: FormEvent) {
    event.preventDefault();
    if (creating) return;
    setCreating(true);
    setFailure(undefined);
    try {
      setCreated(await createInvitation(note.trim()));
      setNote('');
      invitations.reload();
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setCreating(false);
    }
  }

  return (
    <div className="entry-layout">
      <section className="card" aria-labelledby="invite-heading">
        <h2 id="invite-heading">{i.newHeading}</h2>
        {created && <CreatedBox invitation={created} />}
        <form onSubmit={(event) => void create(event)}>
          <TextField
            label={i.note}
            hint={i.noteHint}
            value={note}
            onChange={setNote}
            maxLength={500}
          />
          {failure && <FailureNotice failure={failure} />}
          <button type="submit" className="button button-primary" aria-disabled={creating}>
            {creating ? t.app.loading : i.create}
          </button>
        </form>
      </section>
      <section className="card" aria-labelledby="invitations-heading">
        <h2 id="invitations-heading">{i.listHeading}</h2>
        <Loaded state={invitations.state} onRetry={invitations.reload}>
          {({ invitations: list }) =>
            list.length === 0 ? (
              <p>{i.none}</p>
            ) : (
              <ul className="plain-list invitation-list">
                {list.map((invitation) => (
                  <InvitationItem
                    key={invitation.id}
                    invitation={invitation}
                    onChanged={invitations.reload}
                  />
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </div>
  );
}

/** The code, shown once: the server keeps only its digest. */
function CreatedBox({ invitation }: { invitation: CreatedInvitation }) {
  const { t } = useI18n();
  const i = t.invitations;
  const [copied, setCopied] = useState<boolean>();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [invitation]);
  return (
    <div className="status status-ok created-invitation" role="status" tabIndex={-1} ref={ref}>
      <div>
        <p className="status-heading">{i.created}</p>
        <p>{i.onlyOnce}</p>
        <p>
          <a href={invitation.url} className="invitation-link">
            {invitation.url}
          </a>
        </p>
        <p className="small">
          {i.code} <code className="hash">{invitation.code}</code>
        </p>
        <button
          type="button"
          className="button"
          onClick={() =>
            void navigator.clipboard.writeText(invitation.url).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {i.copy}
        </button>
        {copied !== undefined && <p className="small">{copied ? i.copied : i.copyFailed}</p>}
      </div>
    </div>
  );
}

function InvitationItem({
  invitation,
  onChanged,
}: {
  invitation: Invitation;
  onChanged: () => void;
}) {
  const { t, formatDateTime } = useI18n();
  const i = t.invitations;
  const [failure, setFailure] = useState<ApiFailure>();
  const [withdrawing, setWithdrawing] = useState(false);
  // When the page opened is close enough: the server refuses an expired code either way.
  const [openedAt] = useState(() => Date.now());
  const expired = Date.parse(invitation.expiresAt) < openedAt;

  async function withdraw() {
    if (withdrawing) return;
    setWithdrawing(true);
    setFailure(undefined);
    try {
      await withdrawInvitation(invitation.id);
      onChanged();
    } catch (error) {
      setFailure(failureOf(error));
      setWithdrawing(false);
    }
  }

  return (
    <li className="invitation">
      <p>
        <strong>{invitation.note || i.noNote}</strong>
      </p>
      <p className="small muted">
        {i.createdAt(formatDateTime(invitation.createdAt))}
        {' · '}
        {invitation.usedBy ? (
          <>
            {i.usedBy} <MemberLink handle={invitation.usedBy} />
          </>
        ) : expired ? (
          i.expired
        ) : (
          i.expires(formatDateTime(invitation.expiresAt))
        )}
      </p>
      {!invitation.usedBy && (
        <button
          type="button"
          className="button button-quiet"
          aria-disabled={withdrawing}
          aria-label={`${i.withdraw}: ${invitation.note || i.createdAt(formatDateTime(invitation.createdAt))}`}
          onClick={() => void withdraw()}
        >
          {i.withdraw}
        </button>
      )}
      {failure && <FailureNotice failure={failure} />}
    </li>
  );
}
