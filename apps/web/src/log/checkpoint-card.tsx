import { useI18n } from '../i18n/i18n.tsx';
import { describeFailure, describeProblem } from '../ui/problems.ts';
import { encodeBase64 } from '@allmende/tlog';
import type { CheckpointState } from './use-checkpoint.ts';
import { Loading, ErrorNotice } from '../ui/feedback.tsx';

export function CheckpointCard({
  state,
  onRetry,
}: {
  state: CheckpointState;
  onRetry: () => void;
}) {
  const { t, formatNumber, formatTime } = useI18n();
  return (
    <section className="card" aria-labelledby="checkpoint-heading">
      <h2 id="checkpoint-heading">{t.log.checkpoint}</h2>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && (
        <ErrorNotice message={describeFailure(state.failure, t)} onRetry={onRetry} />
      )}
      {state.status === 'ready' && (
        <>
          <SignatureStatus
            verified={state.checkpoint.problem === null}
            text={
              state.checkpoint.problem === null
                ? t.log.signatureVerified(state.checkpoint.keyName)
                : t.log.signatureFailed(describeProblem(state.checkpoint.problem, t))
            }
          />
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

export function SignatureStatus({ verified, text }: { verified: boolean; text: string }) {
  return (
    <p className={verified ? 'badge badge-ok' : 'badge badge-bad'}>
      <span className="badge-icon" aria-hidden="true">
        {verified ? '✓' : '✗'}
      </span>
      {text}
    </p>
  );
}
