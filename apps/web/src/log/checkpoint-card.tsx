import { useI18n } from '../i18n/i18n.tsx';
import { describeFailure, describeProblem } from '../ui/problems.ts';
import { encodeBase64 } from '@allmende/tlog';
import type { CheckpointState } from './use-checkpoint.ts';
import type { CheckpointView } from './verify.ts';
import { Loading, ErrorNotice } from '../ui/feedback.tsx';

export const CHECKPOINT_HEADING_ID = 'checkpoint-heading';

export function CheckpointCard({
  state,
  onRetry,
}: {
  state: CheckpointState;
  onRetry: () => void;
}) {
  const i18n = useI18n();
  const { t, formatNumber, formatTime } = i18n;
  return (
    <section className="card" aria-labelledby={CHECKPOINT_HEADING_ID}>
      {/* Focusable from script, for when the checkpoint is checked again on request. */}
      <h2 id={CHECKPOINT_HEADING_ID} tabIndex={-1}>
        {t.log.checkpoint}
      </h2>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && (
        <ErrorNotice message={describeFailure(state.failure, t)} onRetry={onRetry} />
      )}
      {state.status === 'ready' && (
        <>
          <CheckBadge
            verified={state.checkpoint.problem === null}
            text={
              state.checkpoint.problem === null
                ? t.log.signatureVerified(state.checkpoint.keyName)
                : t.log.signatureFailed(describeProblem(state.checkpoint.problem, i18n))
            }
          />
          <History checkpoint={state.checkpoint} />
          <dl className="facts">
            <div>
              <dt>{t.log.size}</dt>
              <dd className="fact-size">
                {t.log.entriesCount(formatNumber(state.checkpoint.size), state.checkpoint.size)}
              </dd>
            </div>
            <div>
              <dt>{t.log.origin}</dt>
              <dd>
                <code>{state.checkpoint.origin}</code>
              </dd>
            </div>
            <div className="fact-wide">
              <dt>{t.log.rootHash}</dt>
              <dd>
                <code className="hash">{encodeBase64(state.checkpoint.rootHash)}</code>
              </dd>
            </div>
            <Keys checkpoint={state.checkpoint} />
          </dl>
          <h3 id="note-heading">{t.log.signedNote}</h3>
          <pre className="note" tabIndex={0} aria-labelledby="note-heading">
            {state.checkpoint.note}
          </pre>
          <p className="muted small">
            {t.log.checkedAt(formatTime(state.checkedAt))}
            {state.refreshFailure && <> {describeFailure(state.refreshFailure, t)}</>}
          </p>
        </>
      )}
    </section>
  );
}

/** How the checkpoint relates to the one this browser saw before, once both were trusted. */
function History({ checkpoint }: { checkpoint: CheckpointView }) {
  const { t, formatNumber, formatDateTime } = useI18n();
  if (checkpoint.problem || !checkpoint.trust) return null;
  const seen = checkpoint.trust.consistentWith;
  if (!seen) return <p className="muted small">{t.log.firstCheckpoint}</p>;
  return (
    <CheckBadge
      verified
      text={t.log.consistentWith(formatNumber(seen.size), formatDateTime(seen.seenAt))}
    />
  );
}

/** The key the signature was checked with, and the one this browser pinned if that differs. */
function Keys({ checkpoint }: { checkpoint: CheckpointView }) {
  const { t, formatDateTime } = useI18n();
  const { trust, problem } = checkpoint;
  return (
    <>
      <div className="fact-wide">
        <dt>{t.log.logKey}</dt>
        <dd>
          <code className="hash">{checkpoint.verifierKey}</code>
          {trust && (
            <span className="fact-note">
              {trust.remembered
                ? t.log.keyPinnedSince(formatDateTime(trust.pinnedSince))
                : t.log.keyNotRemembered}
            </span>
          )}
        </dd>
      </div>
      {problem?.kind === 'key-changed' && (
        <div className="fact-wide">
          <dt>{t.log.knownKey}</dt>
          <dd>
            <code className="hash">{problem.pinnedKey}</code>
            <span className="fact-note">
              {t.log.keyPinnedSince(formatDateTime(problem.pinnedSince))}
            </span>
          </dd>
        </div>
      )}
    </>
  );
}

export function CheckBadge({ verified, text }: { verified: boolean; text: string }) {
  return (
    <p className={verified ? 'badge badge-ok' : 'badge badge-bad'}>
      <span className="badge-icon" aria-hidden="true">
        {verified ? '✓' : '✗'}
      </span>
      {text}
    </p>
  );
}
