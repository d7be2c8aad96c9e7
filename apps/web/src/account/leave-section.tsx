import type { MemberInfo, Proposal } from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { draftStatement, type DraftOf } from '../sign/draft.ts';
import { ProposalOutcome, ProposeStatement } from '../sign/propose.tsx';
import { currentKeys } from '../sign/sign-panel.tsx';
import { TextField } from '../ui/form.tsx';

/**
 * A member leaves: `member.left`, which their own signature suffices for and which the server
 * logs at once. Said plainly before they sign, because nothing brings the membership back.
 */
export function LeaveSection({
  member,
  onLeft,
}: {
  member: MemberInfo;
  onLeft: (proposal: Proposal) => void;
}) {
  const { t } = useI18n();
  const a = t.account;
  const [reason, setReason] = useState('');
  const [draft, setDraft] = useState<DraftOf<'member.left'>>();
  const roles = member.services
    .map((service) => `${service.slug} (${t.coop.roles[service.role]})`)
    .join(', ');

  function review(event: FormEvent) {
    event.preventDefault();
    const text = reason.trim().normalize('NFC');
    setDraft(
      draftStatement('member.left', member.handle, {
        handle: member.handle,
        ...(text ? { reason: text } : {}),
      }),
    );
  }

  return (
    <section className="card" aria-labelledby="leave-heading">
      <h2 id="leave-heading">{a.leave}</h2>
      <div className="notice notice-warning">
        <p className="notice-heading">{a.leaveWarningHeading}</p>
        <p>{a.leaveWarning}</p>
        {roles && <p>{a.leaveRoles(roles)}</p>}
      </div>
      <p className="muted small">{a.leaveIntro}</p>
      {draft ? (
        <ProposeStatement
          level={3}
          part={draft}
          signer={member.handle}
          keys={currentKeys(member)}
          passkeyLabel={a.leaveSign}
          onDone={(proposal) => {
            if (proposal.status === 'logged') onLeft(proposal);
          }}
          onCancel={() => setDraft(undefined)}
        />
      ) : (
        <form onSubmit={review}>
          <TextField
            label={a.leaveReason}
            hint={a.leaveReasonHint}
            value={reason}
            onChange={setReason}
            multiline
            rows={3}
            maxLength={1000}
          />
          <button type="submit" className="button button-danger">
            {t.sign.review}
          </button>
        </form>
      )}
    </section>
  );
}

/** What a member who has just left sees: where their statement is, and that they are out. */
export function Farewell({ proposal }: { proposal: Proposal }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="farewell-heading">
      <h2 id="farewell-heading">{t.account.leftHeading}</h2>
      <ProposalOutcome proposal={proposal} />
      <p>{t.account.leftText}</p>
    </section>
  );
}
