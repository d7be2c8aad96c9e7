import { useI18n } from '../i18n/i18n.tsx';
import { ErrorNotice, Loading } from '../ui/feedback.tsx';
import { describeFailure } from '../ui/problems.ts';
import { CheckBadge } from './checkpoint-card.tsx';
import type { WitnessesState } from './use-witnesses.ts';
import type { WitnessView } from './witnesses.ts';

/** Who else vouches for the checkpoint: the policy's witnesses and their cosignatures. */
export function WitnessCard({ state }: { state: WitnessesState }) {
  const { t } = useI18n();
  const w = t.witnesses;
  return (
    <section className="card" aria-labelledby="witnesses-heading">
      <h2 id="witnesses-heading">{w.title}</h2>
      {state.status === 'loading' && <Loading />}
      {state.status === 'error' && <ErrorNotice message={describeFailure(state.failure, t)} />}
      {state.status === 'ready' &&
        (state.check.witnesses.length === 0 ? (
          <p className="muted">{w.none}</p>
        ) : (
          <>
            <CheckBadge
              verified={state.check.confirmed >= Math.max(1, state.check.quorum)}
              text={w.confirmed(state.check.confirmed, state.check.witnesses.length)}
            />
            <p className="muted small">
              {state.check.quorum === 0
                ? w.noQuorum
                : state.check.confirmed >= state.check.quorum
                  ? w.quorumMet(state.check.quorum)
                  : w.quorumMissed(state.check.quorum)}{' '}
              {w.checkedHere}
            </p>
            <ul className="plain-list witness-list">
              {state.check.witnesses.map((witness) => (
                <WitnessItem key={witness.keyLabel} witness={witness} />
              ))}
            </ul>
          </>
        ))}
      <p className="muted small">{w.intro}</p>
    </section>
  );
}

function WitnessItem({ witness }: { witness: WitnessView }) {
  const { t, formatDateTime } = useI18n();
  const w = t.witnesses;
  const { status } = witness;
  const ok = status.kind === 'cosigned';
  const text =
    status.kind === 'cosigned'
      ? w.cosignedAt(formatDateTime(status.at, 'precise'))
      : status.kind === 'missing'
        ? w.missing
        : status.kind === 'invalid'
          ? w.invalid
          : w.badKey;
  return (
    <li className="witness">
      <p className="witness-name">
        <span className={ok ? 'witness-mark ok' : 'witness-mark'} aria-hidden="true">
          {ok ? '✓' : '–'}
        </span>{' '}
        <strong>{witness.name}</strong>
      </p>
      <p className="small">{text}</p>
      <p className="muted small">
        {w.key} <code className="hash">{witness.keyLabel}</code>
      </p>
      {!ok && witness.problem && <p className="muted small">{w.serverReports(witness.problem)}</p>}
    </li>
  );
}
