import { signedPartOf, type Proposal, type StatementSignature } from '@allmende/protocol';
import { useState } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { addSignature, fetchProposal, withdrawProposal } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink, SignatureList } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { actorHandle } from '../sign/draft.ts';
import { ProposalOutcome } from '../sign/propose.tsx';
import { SignPanel, StatementPreview } from '../sign/sign-panel.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { useApi } from '../ui/use-api.ts';

export function ProposalPage({ id }: { id: string }) {
  const { t } = useI18n();
  const proposal = useApi(`proposal:${id}`, (signal) => fetchProposal(id, signal));
  const [answer, setAnswer] = useState<Proposal>();
  const shown = answer ?? (proposal.state.status === 'ready' ? proposal.state.data : undefined);
  useDocumentTitle(
    shown ? t.proposals.titleOf(t.statement.types[shown.statement.type]) : t.proposals.title,
  );
  return (
    <>
      <p className="breadcrumb">
        <Link to="/proposals">
          <span aria-hidden="true">← </span>
          {t.proposals.title}
        </Link>
      </p>
      {shown ? (
        <ProposalDetails proposal={shown} signedNow={answer !== undefined} onSigned={setAnswer} />
      ) : (
        <Loaded state={proposal.state} onRetry={proposal.reload}>
          {() => null}
        </Loaded>
      )}
    </>
  );
}

function ProposalDetails({
  proposal,
  signedNow,
  onSigned,
}: {
  proposal: Proposal;
  signedNow: boolean;
  onSigned: (proposal: Proposal) => void;
}) {
  const { t, formatDateTime } = useI18n();
  const p = t.proposals;
  const { session } = useSession();
  const { statement, consent } = proposal;
  const part = signedPartOf(statement);
  const proposer = actorHandle(statement.actor);
  const alreadySigned = session
    ? statement.signatures.some((s) => s.signer === session.handle)
    : false;
  // The rules count no signature of the member a removal is about (docs/consent.md).
  const aboutViewer =
    session !== null &&
    statement.type === 'member.removed' &&
    statement.body.handle === session.handle;
  return (
    <>
      <h1>{p.titleOf(t.statement.types[statement.type])}</h1>
      <p className="entry-meta">
        <span className={`pill proposal-${proposal.status}`}>{p.statuses[proposal.status]}</span>
        <span>
          {p.proposedBy} {proposer ? <MemberLink handle={proposer} /> : statement.actor}
        </span>
        <time dateTime={proposal.createdAt}>{formatDateTime(proposal.createdAt)}</time>
      </p>
      {(proposal.status !== 'open' || signedNow) && (
        <ProposalOutcome proposal={proposal} focus={signedNow} />
      )}
      <div className="entry-layout">
        <section className="card" aria-labelledby="proposed-heading">
          <h2 id="proposed-heading">{p.whatIsProposed}</h2>
          <StatementPreview part={part} />
        </section>
        <div className="stack">
          <section className="card" aria-labelledby="consent-heading">
            <h2 id="consent-heading">{p.consent}</h2>
            <h3>{p.signatures}</h3>
            <SignatureList signatures={statement.signatures} />
            {proposal.status === 'open' && (
              <>
                <h3>{p.missing}</h3>
                {consent.missing.length === 0 ? (
                  <p>{p.nothingMissing}</p>
                ) : (
                  <ul className="plain-list missing">
                    {consent.missing.map((missing) => (
                      <li key={missing.text}>{p.missingConsent(missing)}</li>
                    ))}
                  </ul>
                )}
              </>
            )}
          </section>
          {proposal.status === 'open' && (
            <section className="card" aria-labelledby="your-signature">
              <h2 id="your-signature">
                {statement.type === 'member.admitted' ? p.vouchHeading : p.signHeading}
              </h2>
              {!session ? (
                <SignInPrompt text={p.signInToSign} />
              ) : alreadySigned ? (
                <p>{p.alreadySigned}</p>
              ) : aboutViewer ? (
                <p>{p.aboutYou}</p>
              ) : (
                <AddSignature proposal={proposal} signer={session.handle} onSigned={onSigned} />
              )}
              {session && session.handle === proposer && (
                <Withdraw proposal={proposal} onWithdrawn={onSigned} />
              )}
            </section>
          )}
        </div>
      </div>
    </>
  );
}

function AddSignature({
  proposal,
  signer,
  onSigned,
}: {
  proposal: Proposal;
  signer: string;
  onSigned: (proposal: Proposal) => void;
}) {
  const { t } = useI18n();
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const { statement } = proposal;
  const vouch = statement.type === 'member.admitted';
  const intro =
    statement.type === 'member.admitted'
      ? t.proposals.vouchIntro
      : statement.type === 'member.removed'
        ? t.proposals.removalSignIntro(statement.body.handle)
        : statement.type === 'key.revoked' && statement.body.handle !== signer
          ? t.proposals.revocationSignIntro(statement.body.handle)
          : t.proposals.signIntro;

  async function send(signature: StatementSignature) {
    setSending(true);
    setFailure(undefined);
    try {
      onSigned(await addSignature(proposal.id, signature));
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setSending(false);
    }
  }

  return (
    <>
      <p className="muted small">{intro}</p>
      <SignPanel
        part={signedPartOf(statement)}
        signer={signer}
        passkeyLabel={vouch ? t.proposals.vouchButton : t.sign.withPasskey}
        busy={sending}
        onSigned={send}
        compact
      />
      {failure && <FailureNotice failure={failure} />}
    </>
  );
}

/** The actor may take back a proposal that still waits for signatures. */
function Withdraw({
  proposal,
  onWithdrawn,
}: {
  proposal: Proposal;
  onWithdrawn: (proposal: Proposal) => void;
}) {
  const { t } = useI18n();
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();

  async function withdraw() {
    if (working) return;
    setWorking(true);
    setFailure(undefined);
    try {
      onWithdrawn(await withdrawProposal(proposal.id));
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setWorking(false);
    }
  }

  return (
    <>
      <p className="muted small">{t.proposals.withdrawIntro}</p>
      <button
        type="button"
        className="button button-quiet"
        aria-disabled={working}
        onClick={() => void withdraw()}
      >
        {t.proposals.withdraw}
      </button>
      {failure && <FailureNotice failure={failure} />}
    </>
  );
}
