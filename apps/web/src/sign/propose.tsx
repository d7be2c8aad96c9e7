import type { Proposal, SignedPart, StatementSignature } from '@allmende/protocol';
import { useEffect, useRef, useState } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { submitProposal } from '../api/coop.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { FailureNotice } from '../ui/feedback.tsx';
import { entryPath, proposalPath } from '../ui/paths.ts';
import { withSignature } from './draft.ts';
import { SignPanel, type SignerKeys } from './sign-panel.tsx';

/**
 * Shows a drafted statement, has the member sign it and proposes it: the server logs it at once
 * when the signature suffices, or keeps it open for the signatures it still needs.
 */
export function ProposeStatement({
  part,
  signer,
  keys,
  email,
  passkeyLabel,
  onDone,
  onCancel,
  level,
}: {
  part: SignedPart;
  signer: string;
  keys?: SignerKeys;
  /** For an admission: the candidate's address, kept private by the server. */
  email?: string;
  passkeyLabel?: string;
  onDone?: (proposal: Proposal) => void;
  onCancel?: () => void;
  /** The level of the panel's heading: 3 inside a card that has its own. */
  level?: 2 | 3;
}) {
  const [sending, setSending] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const [proposal, setProposal] = useState<Proposal>();

  async function send(signature: StatementSignature) {
    setSending(true);
    setFailure(undefined);
    try {
      const answer = await submitProposal(withSignature(part, signature), email);
      setProposal(answer);
      onDone?.(answer);
    } catch (error) {
      setFailure(failureOf(error));
    } finally {
      setSending(false);
    }
  }

  if (proposal) return <ProposalOutcome proposal={proposal} />;
  return (
    <>
      <SignPanel
        part={part}
        signer={signer}
        {...(keys ? { keys } : {})}
        {...(passkeyLabel ? { passkeyLabel } : {})}
        {...(onCancel ? { onCancel } : {})}
        busy={sending}
        onSigned={send}
        {...(level ? { level } : {})}
      />
      {failure && <FailureNotice failure={failure} />}
    </>
  );
}

/** What became of a signed statement: logged (and where), or waiting for more signatures. */
export function ProposalOutcome({
  proposal,
  focus = true,
}: {
  proposal: Proposal;
  focus?: boolean;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  if (proposal.status === 'logged' && proposal.index !== null) {
    return (
      <div className="status status-ok outcome" role="status" tabIndex={-1} ref={ref}>
        <span className="status-icon" aria-hidden="true">
          ✓
        </span>
        <div>
          <p className="status-heading">{t.outcome.logged(String(proposal.index))}</p>
          <p>
            <Link to={entryPath(proposal.index)}>
              {t.outcome.viewEntry(String(proposal.index))}
            </Link>
          </p>
        </div>
      </div>
    );
  }
  if (proposal.status === 'withdrawn') {
    return (
      <div className="status outcome" role="status" tabIndex={-1} ref={ref}>
        <span className="status-icon" aria-hidden="true">
          ×
        </span>
        <div>
          <p className="status-heading">{t.outcome.withdrawn}</p>
        </div>
      </div>
    );
  }
  return (
    <div className="status outcome" role="status" tabIndex={-1} ref={ref}>
      <span className="status-icon" aria-hidden="true">
        …
      </span>
      <div>
        <p className="status-heading">{t.outcome.waiting}</p>
        {proposal.consent.missing.length > 0 && (
          <ul className="plain-list">
            {proposal.consent.missing.map((missing) => (
              <li key={missing.text}>{t.proposals.missingConsent(missing)}</li>
            ))}
          </ul>
        )}
        <p>
          <Link to={proposalPath(proposal.id)}>{t.outcome.viewProposal}</Link>
        </p>
      </div>
    </div>
  );
}
