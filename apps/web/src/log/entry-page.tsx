import { useEffect, useState } from 'react';
import type { Statement } from '@allmende/protocol';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { describeProblem } from '../ui/problems.ts';
import { encodeBase64 } from '@allmende/tlog';
import { entryPath } from './entry-list.tsx';
import { actorHandle } from '../sign/draft.ts';
import { MemberLink, SignatureList, StatementBody } from './statement-body.tsx';
import { actorName, summarize } from './statement-text.ts';
import {
  initialVerification,
  STEPS,
  verifyEntry,
  type EntryVerification,
  type StepState,
} from './verify.ts';

export function EntryPage({ index }: { index: number }) {
  const { t, formatNumber } = useI18n();
  const title = t.entry.title(String(index));
  useDocumentTitle(title);
  const [verification, setVerification] = useState<EntryVerification>(initialVerification);

  useEffect(() => {
    const controller = new AbortController();
    void verifyEntry(index, setVerification, controller.signal);
    return () => controller.abort();
  }, [index]);

  const { entry, checkpoint } = verification;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/log">
          <span aria-hidden="true">← </span>
          {t.entry.backToLog}
        </Link>
      </p>
      <h1>{title}</h1>
      <VerificationStatus verification={verification} index={index} />
      <div className="entry-layout">
        <section className="card" aria-labelledby="statement-heading">
          <h2 id="statement-heading">{t.entry.statement}</h2>
          {entry?.statement ? (
            <StatementFields statement={entry.statement} />
          ) : (
            verification.outcome.status === 'running' && <p className="muted">{t.app.loading}</p>
          )}
          {entry && (
            <>
              <h3 id="json-heading">{t.entry.canonicalJson}</h3>
              <pre className="json" tabIndex={0} aria-labelledby="json-heading">
                {entry.text}
              </pre>
            </>
          )}
        </section>
        <section className="card" aria-labelledby="proof-heading">
          <h2 id="proof-heading">{t.entry.proof}</h2>
          <p>{t.entry.proofExplain}</p>
          <Steps verification={verification} />
          <dl className="facts facts-stacked">
            {verification.leafHash && (
              <div>
                <dt>{t.entry.leafHash}</dt>
                <dd>
                  <code className="hash">{encodeBase64(verification.leafHash)}</code>
                </dd>
              </div>
            )}
            {checkpoint && (
              <>
                <div>
                  <dt>{t.log.checkpoint}</dt>
                  <dd>
                    <code>{checkpoint.origin}</code> ·{' '}
                    {t.log.entriesCount(formatNumber(checkpoint.size), checkpoint.size)}
                  </dd>
                </div>
                <div>
                  <dt>{t.log.rootHash}</dt>
                  <dd>
                    <code className="hash">{encodeBase64(checkpoint.rootHash)}</code>
                  </dd>
                </div>
              </>
            )}
            {verification.proof && (
              <div>
                <dt>{t.entry.proofHashes}</dt>
                <dd>
                  {verification.proof.length === 0 ? (
                    t.entry.noProofHashes
                  ) : (
                    <ol className="hashes">
                      {verification.proof.map((hash, i) => (
                        <li key={i}>
                          <code className="hash">{encodeBase64(hash)}</code>
                        </li>
                      ))}
                    </ol>
                  )}
                </dd>
              </div>
            )}
          </dl>
        </section>
      </div>
      <nav className="pager" aria-label={t.entry.neighbours}>
        {index > 0 && (
          <Link to={entryPath(index - 1)} rel="prev">
            <span aria-hidden="true">← </span>
            {t.entry.previous}
          </Link>
        )}
        {checkpoint && index + 1 < checkpoint.size && (
          <Link to={entryPath(index + 1)} rel="next" className="pager-next">
            {t.entry.next}
            <span aria-hidden="true"> →</span>
          </Link>
        )}
      </nav>
    </>
  );
}

function VerificationStatus({
  verification,
  index,
}: {
  verification: EntryVerification;
  index: number;
}) {
  const i18n = useI18n();
  const { t, formatNumber } = i18n;
  const { outcome, checkpoint } = verification;
  let className = 'status status-running';
  let icon = '';
  let heading = t.entry.verifying;
  let detail = verification.waiting ? t.entry.waitingForCheckpoint : '';
  if (outcome.status === 'verified' && checkpoint) {
    className = 'status status-ok';
    icon = '✓';
    heading = t.entry.verified;
    detail = t.entry.verifiedDetail(
      String(index),
      formatNumber(checkpoint.size),
      checkpoint.origin,
    );
  } else if (outcome.status === 'failed') {
    className = 'status status-bad';
    icon = '✗';
    heading = t.entry.failed;
    detail = describeProblem(outcome.problem, i18n);
  }
  return (
    <div className={className} role="status" aria-live="polite">
      <span className="status-icon" aria-hidden="true">
        {icon || <span className="spinner" />}
      </span>
      <div>
        <p className="status-heading">{heading}</p>
        {detail && <p className="status-detail">{detail}</p>}
      </div>
    </div>
  );
}

const STEP_ICONS: Record<StepState, string> = {
  pending: '○',
  running: '…',
  done: '✓',
  failed: '✗',
};

function Steps({ verification }: { verification: EntryVerification }) {
  const { t } = useI18n();
  return (
    <ol className="steps">
      {STEPS.map((id) => {
        const state = verification.steps[id];
        return (
          <li key={id} className={`step step-${state}`}>
            <span className="step-icon" aria-hidden="true">
              {STEP_ICONS[state]}
            </span>
            <span>
              {t.entry.steps[id]}
              <span className="visually-hidden"> ({t.entry.stepStates[state]})</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function StatementFields({ statement }: { statement: Statement }) {
  const { t, formatDateTime } = useI18n();
  const handle = actorHandle(statement.actor);
  return (
    <>
      <p className="statement-summary">{summarize(statement, t)}</p>
      <dl className="facts facts-stacked">
        <div>
          <dt>{t.entry.type}</dt>
          <dd>
            {t.statement.types[statement.type]} <code>{statement.type}</code>
          </dd>
        </div>
        <div>
          <dt>{t.entry.time}</dt>
          <dd>
            <time dateTime={statement.time}>{formatDateTime(statement.time, 'long')}</time>
          </dd>
        </div>
        <div>
          <dt>{t.entry.actor}</dt>
          <dd>
            {handle ? <MemberLink handle={handle} /> : actorName(statement.actor, t)}
            {statement.actor === 'coop' && (
              <>
                {' '}
                <code>coop</code>
              </>
            )}
          </dd>
        </div>
        <StatementBody statement={statement} />
        {'signatures' in statement && (
          <div>
            <dt>{t.entry.signatures}</dt>
            <dd>
              <SignatureList signatures={statement.signatures} />
            </dd>
          </div>
        )}
      </dl>
    </>
  );
}
