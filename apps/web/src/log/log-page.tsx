import { useMemo } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { CHECKPOINT_HEADING_ID, CheckpointCard } from './checkpoint-card.tsx';
import { EntryList } from './entry-list.tsx';
import { GrowthChart } from './growth-chart.tsx';
import { RulesCard } from './rules-card.tsx';
import { TrustAlert } from './trust-alert.tsx';
import { useCheckpoint } from './use-checkpoint.ts';
import { useEntries } from './use-entries.ts';
import { useRulesCheck } from './use-rules-check.ts';
import { useWitnesses } from './use-witnesses.ts';
import { WitnessCard } from './witness-card.tsx';

export function LogPage() {
  const { t } = useI18n();
  useDocumentTitle(t.log.title);
  const checkpoint = useCheckpoint();
  const view = checkpoint.state.status === 'ready' ? checkpoint.state.checkpoint : undefined;
  const size = view?.size;
  const entries = useEntries(size);
  const witnesses = useWitnesses(view);
  const rules = useRulesCheck(view);
  const breaksRules = useMemo(
    () =>
      new Set(
        rules.outcome?.kind === 'checked' ? rules.outcome.violations.map((v) => v.index) : [],
      ),
    [rules.outcome],
  );
  const times = useMemo(
    () =>
      entries.state.entries.flatMap((e) =>
        e.statement ? [{ index: e.index, time: e.statement.time }] : [],
      ),
    [entries.state.entries],
  );

  return (
    <>
      <h1>{t.log.title}</h1>
      <p className="lead">{t.log.intro}</p>
      {view && (
        <TrustAlert
          checkpoint={view}
          onTrustNewKey={() => {
            checkpoint.trustNewKey(view);
            // The alert and its button go away; carry on where the key is shown.
            document.getElementById(CHECKPOINT_HEADING_ID)?.focus();
          }}
        />
      )}
      <div className="log-layout">
        <div className="log-column">
          <CheckpointCard state={checkpoint.state} onRetry={checkpoint.retry} />
          {view && !view.problem && <WitnessCard state={witnesses} />}
          {view && !view.problem && <RulesCard state={rules} />}
        </div>
        <section className="card" aria-labelledby="entries-heading">
          <h2 id="entries-heading">{t.log.latestEntries}</h2>
          {times.length > 0 && <GrowthChart entries={times} />}
          <EntryList
            state={entries.state}
            onRetry={entries.retry}
            onLoadOlder={entries.loadOlder}
            breaksRules={breaksRules}
          />
        </section>
      </div>
    </>
  );
}
