import {
  signedPartOf,
  type AccessRequest,
  type SignedPart,
  type StatementSignature,
} from '@allmende/protocol';
import { useState } from 'react';
import { answerAccessRequest, fetchAccessRequest, type AccessAnswer } from '../api/access.ts';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { draftStatement, withSignature } from '../sign/draft.ts';
import { SignPanel, StatementPreview } from '../sign/sign-panel.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';
import { entryPath, ticketPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

export function AccessRequestPage({ id }: { id: number }) {
  const { t } = useI18n();
  const loaded = useApi(`access-request:${id}`, (signal) => fetchAccessRequest(id, signal));
  const [answer, setAnswer] = useState<AccessRequest>();
  const shown = answer ?? (loaded.state.status === 'ready' ? loaded.state.data : undefined);
  useDocumentTitle(t.access.titleOf(String(id)));
  return (
    <>
      <p className="breadcrumb">
        <Link to="/access">
          <span aria-hidden="true">← </span>
          {t.access.title}
        </Link>
      </p>
      {shown ? (
        <RequestDetails request={shown} onAnswered={setAnswer} />
      ) : (
        <Loaded state={loaded.state} onRetry={loaded.reload}>
          {() => null}
        </Loaded>
      )}
    </>
  );
}

function RequestDetails({
  request,
  onAnswered,
}: {
  request: AccessRequest;
  onAnswered: (request: AccessRequest) => void;
}) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const a = t.access;
  const { session } = useSession();
  const { consent, certificate, policy } = request;
  return (
    <>
      <h1>{a.titleOf(String(request.id))}</h1>
      <p className="entry-meta">
        <span className={`pill access-${request.status}`} role="status">
          {a.statuses[request.status]}
        </span>
        <span>
          {a.requestedBy} <MemberLink handle={request.requester} />
        </span>
        <time dateTime={request.createdAt}>{formatDateTime(request.createdAt)}</time>
        <Link to={entryPath(request.id)}>{t.log.entryLink(String(request.id))}</Link>
        <Link to={ticketPath(request.ticket)}>#{request.ticket}</Link>
      </p>
      <div className="entry-layout">
        <section className="card" aria-labelledby="requested-heading">
          <h2 id="requested-heading">{a.whatIsRequested}</h2>
          <StatementPreview part={signedPartOf(request.statement)} />
          <p className="muted small">
            {a.policy(formatNumber(policy.approvals), formatNumber(policy.maxCertificateMinutes))}{' '}
            {policy.observer && a.observer}
          </p>
        </section>
        <div className="stack">
          <section className="card" aria-labelledby="consent-heading">
            <h2 id="consent-heading">{a.consent}</h2>
            {request.status === 'pending' && (
              <p>{a.progress(formatNumber(consent.have), formatNumber(consent.need))}</p>
            )}
            <h3>{a.approvals}</h3>
            {request.approvals.length === 0 ? (
              <p>{a.noApprovals}</p>
            ) : (
              <ul className="plain-list approvals">
                {request.approvals.map((approval) => (
                  <li key={approval.index}>
                    <MemberLink handle={approval.handle} />{' '}
                    <Link to={entryPath(approval.index)}>
                      {t.log.entryLink(String(approval.index))}
                    </Link>
                    {!approval.counts && request.status === 'pending' && (
                      <span className="muted"> ({a.doesNotCount})</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {request.status === 'pending' && consent.missing.length > 0 && (
              <>
                <h3>{a.missing}</h3>
                <ul className="plain-list missing">
                  {consent.missing.map((text) => (
                    <li key={text}>{text}</li>
                  ))}
                </ul>
              </>
            )}
            {request.denial && <p>{a.deniedBy(request.denial.handle, request.denial.reason)}</p>}
            {request.closedIndex !== null && (
              <p className="muted small">
                <Link to={entryPath(request.closedIndex)}>
                  {a.closedAt(String(request.closedIndex))}
                </Link>
              </p>
            )}
          </section>
          {certificate && (
            <section className="card" aria-labelledby="certificate-heading">
              <h2 id="certificate-heading">{a.certificate}</h2>
              <dl className="facts facts-stacked">
                <div>
                  <dt>{a.serial}</dt>
                  <dd>
                    <Link to={entryPath(certificate.issuedIndex)}>{certificate.serial}</Link>
                  </dd>
                </div>
                <div>
                  <dt>{a.keyId}</dt>
                  <dd>
                    <code>{certificate.keyId}</code>
                  </dd>
                </div>
                <div>
                  <dt>{a.validFrom}</dt>
                  <dd>{formatDateTime(certificate.validAfter)}</dd>
                </div>
                <div>
                  <dt>{a.validUntil}</dt>
                  <dd>{formatDateTime(certificate.validBefore)}</dd>
                </div>
              </dl>
              {certificate.revokedIndex !== null ? (
                <p>
                  {a.revoked(
                    certificate.revokeReason &&
                      certificate.revokeReason in t.statement.revocationReasons
                      ? t.statement.revocationReasons[
                          certificate.revokeReason as keyof typeof t.statement.revocationReasons
                        ]
                      : (certificate.revokeReason ?? ''),
                  )}
                </p>
              ) : (
                <p className="muted small">
                  <code>{a.fetchWith(String(request.id))}</code>
                </p>
              )}
            </section>
          )}
          <YourSay request={request} signer={session?.handle} onAnswered={onAnswered} />
        </div>
      </div>
    </>
  );
}

/** Approve or deny (others), or withdraw (the requester), each by signing a statement. */
function YourSay({
  request,
  signer,
  onAnswered,
}: {
  request: AccessRequest;
  signer: string | undefined;
  onAnswered: (request: AccessRequest) => void;
}) {
  const { t } = useI18n();
  const a = t.access;
  const [denying, setDenying] = useState(false);
  const open = request.status === 'pending';
  const own = signer === request.requester;
  const withdrawable = own && (open || (request.status === 'issued' && request.certificate));
  if (!open && !withdrawable) return null;
  return (
    <section className="card" aria-labelledby="your-say">
      <h2 id="your-say">{a.yourSay}</h2>
      {!signer ? (
        <SignInPrompt text={a.signInToApprove} />
      ) : own ? (
        <>
          <p>{a.ownRequest}</p>
          <p className="muted small">{a.withdrawIntro}</p>
          <Answer
            request={request}
            signer={signer}
            answer="withdrawal"
            label={a.withdrawButton}
            onAnswered={onAnswered}
          />
        </>
      ) : request.approvals.some((approval) => approval.handle === signer) ? (
        <p>{a.alreadyApproved}</p>
      ) : (
        <>
          <p className="muted small">{a.approveIntro}</p>
          <Answer
            request={request}
            signer={signer}
            answer="approvals"
            label={a.approveButton}
            onAnswered={onAnswered}
          />
          {denying ? (
            <Deny request={request} signer={signer} onAnswered={onAnswered} />
          ) : (
            <div className="actions">
              <button
                type="button"
                className="button button-quiet"
                onClick={() => setDenying(true)}
              >
                {a.denyToggle}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

const ANSWER_TYPES = {
  approvals: 'access.approved',
  denial: 'access.denied',
  withdrawal: 'access.withdrawn',
} as const;

function answerDraft(request: AccessRequest, signer: string, answer: AccessAnswer, reason = '') {
  const body = { request: request.id, digest: request.digest };
  const type = ANSWER_TYPES[answer];
  const text = reason.trim().normalize('NFC');
  return type === 'access.approved'
    ? draftStatement(type, signer, body)
    : draftStatement(type, signer, text ? { ...body, reason: text } : body);
}

/** Shows the statement, has the member sign it, and sends it. */
function Answer({
  request,
  signer,
  answer,
  label,
  part: given,
  onAnswered,
}: {
  request: AccessRequest;
  signer: string;
  answer: AccessAnswer;
  label: string;
  part?: SignedPart;
  onAnswered: (request: AccessRequest) => void;
}) {
  // One draft per panel: its nonce must not change between showing it and signing it.
  const [drafted] = useState(() => answerDraft(request, signer, answer));
  const part = given ?? drafted;
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();

  async function send(signature: StatementSignature) {
    setSending(true);
    setFailure(undefined);
    try {
      onAnswered(await answerAccessRequest(request.id, answer, withSignature(part, signature)));
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <SignPanel
        part={part}
        signer={signer}
        passkeyLabel={label}
        busy={sending}
        onSigned={send}
        level={3}
      />
      {failure && <FailureNotice failure={failure} />}
    </>
  );
}

function Deny({
  request,
  signer,
  onAnswered,
}: {
  request: AccessRequest;
  signer: string;
  onAnswered: (request: AccessRequest) => void;
}) {
  const { t } = useI18n();
  const a = t.access;
  const [reason, setReason] = useState('');
  const [part, setPart] = useState<SignedPart>();
  return (
    <div className="deny">
      <p className="muted small">{a.denyIntro}</p>
      {part ? (
        <Answer
          request={request}
          signer={signer}
          answer="denial"
          label={a.denyButton}
          part={part}
          onAnswered={onAnswered}
        />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setPart(answerDraft(request, signer, 'denial', reason));
          }}
        >
          <TextField label={a.denyReason} value={reason} onChange={setReason} maxLength={1000} />
          <div className="actions">
            <button type="submit" className="button">
              {t.sign.review}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
