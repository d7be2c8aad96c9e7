import type { Proposal } from '@allmende/protocol';
import { useState } from 'react';
import { fetchProposals } from '../api/coop.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { summarize } from '../log/statement-text.ts';
import { Link } from '../router.tsx';
import { actorHandle } from '../sign/draft.ts';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { proposalPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

export function ProposalsPage() {
  const { t } = useI18n();
  const p = t.proposals;
  useDocumentTitle(p.title);
  const [all, setAll] = useState(false);
  const proposals = useApi(all ? 'all' : 'open', (signal) => fetchProposals(all, signal));
  return (
    <>
      <h1>{p.title}</h1>
      <p className="lead">{p.intro}</p>
      <div className="segmented" role="group" aria-label={p.show}>
        <button type="button" aria-pressed={!all} onClick={() => setAll(false)}>
          {p.openOnly}
        </button>
        <button type="button" aria-pressed={all} onClick={() => setAll(true)}>
          {p.all}
        </button>
      </div>
      <Loaded state={proposals.state} onRetry={proposals.reload}>
        {({ proposals: list }) =>
          list.length === 0 ? (
            <p>{all ? p.none : p.noneOpen}</p>
          ) : (
            <ul className="card-list">
              {list.map((proposal) => (
                <ProposalItem key={proposal.id} proposal={proposal} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

function ProposalItem({ proposal }: { proposal: Proposal }) {
  const { t, formatDateTime } = useI18n();
  const p = t.proposals;
  const { statement, consent } = proposal;
  return (
    <li className="card proposal-card">
      <p className="card-title">
        <Link to={proposalPath(proposal.id)}>{summarize(statement, t)}</Link>
      </p>
      <p className="entry-meta">
        <span className="type">{t.statement.types[statement.type]}</span>
        <span>{t.log.by(actorHandle(statement.actor) ?? statement.actor)}</span>
        <time dateTime={proposal.createdAt}>{formatDateTime(proposal.createdAt)}</time>
        <span className={`pill proposal-${proposal.status}`}>{p.statuses[proposal.status]}</span>
      </p>
      <p className="small">
        {p.signedBy(consent.signers.join(', '))}
        {proposal.status === 'open' && consent.missing.length > 0 && (
          <>
            {' · '}
            {consent.missing.map((missing) => p.missingConsent(missing)).join(' · ')}
          </>
        )}
      </p>
    </li>
  );
}
