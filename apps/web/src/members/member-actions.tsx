import type { KeyInfo, MemberInfo } from '@allmende/protocol';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { fetchCoop, fetchPolicies, fetchProposals } from '../api/coop.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { KeyLabel } from '../log/statement-body.tsx';
import { summarize } from '../log/statement-text.ts';
import { Link } from '../router.tsx';
import { draftStatement, type DraftOf } from '../sign/draft.ts';
import { ProposeStatement } from '../sign/propose.tsx';
import { TextField } from '../ui/form.tsx';
import { proposalPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

// What a member does about another member: propose their removal, or revoke a key they lost.
// Both need the signatures of members other than the one concerned, so they start as proposals
// signed by the member who acts (docs/consent.md, "The rules").

type Needed = {
  /** Signatures of members other than the one concerned, the proposer's included. */
  signatures: number;
  /** Set when the cooperative is small enough that fewer signatures suffice than the policy's. */
  smallBelow?: number;
};

/**
 * The signatures a governance act takes now, as the rules count them (`needed` in
 * packages/rules): the policy's number, or one while the cooperative has fewer members than
 * `smallCooperativeBelow`. Undefined while loading: the rule is then left unsaid.
 */
function useSignaturesNeeded(act: 'removal' | 'keyRevocation'): Needed | undefined {
  const coop = useApi('coop', fetchCoop);
  const policies = useApi('policies', fetchPolicies);
  if (coop.state.status !== 'ready' || policies.state.status !== 'ready') return undefined;
  const governance = policies.state.data.policy.governance;
  const small = coop.state.data.members < governance.smallCooperativeBelow;
  const signatures = small ? Math.min(governance[act], 1) : governance[act];
  return signatures < governance[act]
    ? { signatures, smallBelow: governance.smallCooperativeBelow }
    : { signatures };
}

/** What people type as a reason, as the protocol takes it: trimmed, NFC. */
function reasonOf(text: string): string {
  return text.trim().normalize('NFC');
}

const REASON_CHARS = 1000;

/** Moves focus to a form that has just opened, so that keyboard users land in it. */
function useFocusOnOpen<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

export function RemovalSection({
  member,
  me,
  onChanged,
}: {
  member: MemberInfo;
  me: string;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const m = t.members;
  const needed = useSignaturesNeeded('removal');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [draft, setDraft] = useState<DraftOf<'member.removed'>>();

  // Once removed, the member's page says so; the outcome stays until the member leaves the page.
  if (member.status !== 'active' && !draft) return null;
  return (
    <section className="card" aria-labelledby="removal-heading">
      <h2 id="removal-heading">{m.removeHeading}</h2>
      {needed && (
        <p className="muted small">
          {needed.smallBelow !== undefined && `${m.smallCooperative(needed.smallBelow)} `}
          {m.removeRule(member.name, needed.signatures)}
        </p>
      )}
      {draft ? (
        <ProposeStatement
          level={3}
          part={draft}
          signer={me}
          onDone={onChanged}
          onCancel={() => setDraft(undefined)}
        />
      ) : open ? (
        <ReasonForm
          heading={m.proposeRemoval(member.name)}
          hint={m.removalReasonHint}
          reason={reason}
          onReasonChange={setReason}
          onCancel={() => setOpen(false)}
          onReview={(reason) =>
            setDraft(draftStatement('member.removed', me, { handle: member.handle, reason }))
          }
        />
      ) : (
        <button type="button" className="button button-danger" onClick={() => setOpen(true)}>
          {m.proposeRemoval(member.name)}
        </button>
      )}
    </section>
  );
}

/** Asks another member's lost key to be revoked; shown below the member's keys. */
export function LostKeyRevocation({
  member,
  info,
  me,
  onDone,
  onCancel,
}: {
  member: MemberInfo;
  info: KeyInfo;
  me: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const m = t.members;
  const needed = useSignaturesNeeded('keyRevocation');
  const [reason, setReason] = useState('');
  const [draft, setDraft] = useState<DraftOf<'key.revoked'>>();

  return (
    <div className="revocation">
      {draft ? (
        <ProposeStatement
          level={3}
          part={draft}
          signer={me}
          onDone={onDone}
          onCancel={() => setDraft(undefined)}
        />
      ) : (
        <ReasonForm
          heading={m.revokeHeading}
          intro={
            <>
              <p>
                <KeyLabel memberKey={info.key} />
              </p>
              <p className="muted small">
                {m.revokeIntro(member.name)}
                {needed?.smallBelow !== undefined && ` ${m.smallCooperative(needed.smallBelow)}`}
                {needed && ` ${m.revokeRule(member.name, needed.signatures)}`}
              </p>
            </>
          }
          hint={m.revokeReasonHint}
          reason={reason}
          onReasonChange={setReason}
          onCancel={onCancel}
          onReview={(reason) =>
            setDraft(
              draftStatement('key.revoked', me, { handle: member.handle, key: info.id, reason }),
            )
          }
        />
      )}
    </div>
  );
}

/** A required, public reason; then the statement to review and sign. */
function ReasonForm({
  heading,
  intro,
  hint,
  reason,
  onReasonChange,
  onReview,
  onCancel,
}: {
  heading: string;
  intro?: ReactNode;
  hint: string;
  reason: string;
  onReasonChange: (reason: string) => void;
  onReview: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string>();
  const headingRef = useFocusOnOpen<HTMLHeadingElement>();

  function review(event: FormEvent) {
    event.preventDefault();
    const text = reasonOf(reason);
    if (!text) {
      setError(t.members.reasonMissing);
      return;
    }
    setError(undefined);
    onReview(text);
  }

  return (
    <form onSubmit={review} noValidate>
      <h3 tabIndex={-1} ref={headingRef}>
        {heading}
      </h3>
      {intro}
      <TextField
        label={t.members.reason}
        hint={hint}
        error={error}
        value={reason}
        onChange={onReasonChange}
        multiline
        required
        maxLength={REASON_CHARS}
      />
      <div className="actions">
        <button type="submit" className="button button-primary">
          {t.sign.review}
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          {t.sign.cancel}
        </button>
      </div>
    </form>
  );
}

/** Proposals about this member that still wait for signatures: to sign, or not to repeat. */
export function OpenProposalsAbout({ handle }: { handle: string }) {
  const { t } = useI18n();
  const proposals = useApi('proposals:open', (signal) => fetchProposals(false, signal));
  if (proposals.state.status !== 'ready') return null;
  const about = proposals.state.data.proposals.filter(
    (p) => 'handle' in p.statement.body && p.statement.body.handle === handle,
  );
  if (about.length === 0) return null;
  return (
    <section className="card" aria-labelledby="member-proposals-heading">
      <h2 id="member-proposals-heading">{t.members.openProposals}</h2>
      <ul className="plain-list">
        {about.map((proposal) => (
          <li key={proposal.id}>
            <Link to={proposalPath(proposal.id)}>{summarize(proposal.statement, t)}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
