import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { describeProblem } from '../ui/problems.ts';
import type { CheckpointView } from './verify.ts';

/**
 * The log contradicts what this browser remembers of it: its key changed, or its history was
 * rewritten. Shown above everything else on the log page, since nothing below can be trusted.
 */
export function TrustAlert({
  checkpoint,
  onTrustNewKey,
}: {
  checkpoint: CheckpointView;
  onTrustNewKey: () => void;
}) {
  const i18n = useI18n();
  const { t, formatDateTime } = i18n;
  const { problem } = checkpoint;
  if (problem?.kind === 'key-changed') {
    return (
      <Alert heading={t.trust.keyChanged}>
        <p>{t.trust.keyChangedText(formatDateTime(problem.pinnedSince))}</p>
        <p>{t.trust.keyChangedAdvice}</p>
        <button type="button" className="button" onClick={onTrustNewKey}>
          {t.trust.trustNewKey}
        </button>
      </Alert>
    );
  }
  if (problem?.kind === 'fork') {
    return (
      <Alert heading={t.trust.fork}>
        <p>{describeProblem(problem, i18n)}</p>
        <p>{t.trust.forkAdvice}</p>
        <details>
          <summary>{t.trust.evidence}</summary>
          <h3 id="evidence-seen">{t.trust.seenBefore(formatDateTime(problem.seen.seenAt))}</h3>
          <pre className="note" tabIndex={0} aria-labelledby="evidence-seen">
            {problem.seen.note}
          </pre>
          <h3 id="evidence-now">{t.trust.servedNow}</h3>
          <pre className="note" tabIndex={0} aria-labelledby="evidence-now">
            {checkpoint.note}
          </pre>
        </details>
      </Alert>
    );
  }
  return null;
}

function Alert({ heading, children }: { heading: string; children: ReactNode }) {
  return (
    <div className="status status-bad alert" role="alert">
      <span className="status-icon" aria-hidden="true">
        ⚠
      </span>
      <div>
        <h2 className="status-heading">{heading}</h2>
        {children}
      </div>
    </div>
  );
}
