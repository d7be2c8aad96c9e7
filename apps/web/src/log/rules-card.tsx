import type { Violation } from '@allmende/rules';
import { useI18n } from '../i18n/i18n.tsx';
import type { Messages } from '../i18n/messages.ts';
import { Link } from '../router.tsx';
import { entryPath } from '../ui/paths.ts';
import { CheckBadge } from './checkpoint-card.tsx';
import type { RulesProblem } from './rules-check.ts';
import type { RulesCheckState } from './use-rules-check.ts';

/**
 * Whether the log kept the cooperative's rules: the replay this browser ran from the genesis up
 * to the checkpoint shown, its progress while it runs, and every entry that breaks a rule.
 */
export function RulesCard({ state }: { state: RulesCheckState }) {
  const { t, formatNumber } = useI18n();
  const r = t.rules;
  const { outcome, progress } = state;
  const running =
    progress !== undefined && (outcome?.kind !== 'checked' || outcome.size < progress.total);
  return (
    <section className="card" aria-labelledby="rules-heading">
      <h2 id="rules-heading">{r.title}</h2>
      {outcome?.kind === 'checked' &&
        (outcome.violations.length === 0 ? (
          <CheckBadge verified text={r.kept(formatNumber(outcome.size), outcome.size)} />
        ) : (
          <>
            <CheckBadge
              verified={false}
              text={r.broken(
                formatNumber(outcome.violations.length),
                outcome.violations.length,
                formatNumber(outcome.size),
              )}
            />
            <ul className="plain-list violation-list" aria-label={r.violations}>
              {outcome.violations.map((violation, i) => (
                <ViolationItem key={i} violation={violation} />
              ))}
            </ul>
          </>
        ))}
      {outcome?.kind === 'failed' && (
        <div className="notice notice-error" role="alert">
          <p>{r.failed(describeRulesProblem(outcome.problem, r, formatNumber))}</p>
        </div>
      )}
      {running && (
        <div className="rules-progress">
          <label htmlFor="rules-progress">
            {r.progress(formatNumber(progress.checked), formatNumber(progress.total))}
          </label>
          <progress id="rules-progress" max={progress.total} value={progress.checked} />
        </div>
      )}
      {state.unavailable && <p className="muted">{r.unavailable}</p>}
      {!outcome && !running && !state.unavailable && <p className="muted">{r.waiting}</p>}
      <p className="muted small">{r.intro}</p>
    </section>
  );
}

function ViolationItem({ violation }: { violation: Violation }) {
  const { t, formatNumber } = useI18n();
  const type = (t.statement.types as Record<string, string | undefined>)[violation.type];
  return (
    <li className="violation">
      <p>
        <Link to={entryPath(violation.index)}>{t.rules.entry(formatNumber(violation.index))}</Link>
        {' · '}
        {type ?? violation.type}
      </p>
      <p className="small">
        <code>{violation.rule}</code>: {violation.message}
      </p>
    </li>
  );
}

function describeRulesProblem(
  problem: RulesProblem,
  r: Messages['rules'],
  formatNumber: (n: number) => string,
): string {
  switch (problem.kind) {
    case 'fetch':
      return r.problems.fetch(problem.detail);
    case 'bundle':
      return r.problems.bundle(formatNumber(problem.index), problem.detail);
    case 'not-a-statement':
      return r.problems.notAStatement(formatNumber(problem.index), problem.detail);
    case 'root-mismatch':
      return r.problems.rootMismatch(formatNumber(problem.size));
  }
}
