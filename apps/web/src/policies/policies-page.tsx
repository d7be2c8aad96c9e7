import {
  Policy,
  SENSITIVITIES,
  normalizeHandle,
  type AccessPolicy,
  type GovernancePolicy,
  type PolicyInfo,
  type Sensitivity,
} from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { fetchPolicies } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { draftStatement, type DraftOf } from '../sign/draft.ts';
import { ProposeStatement } from '../sign/propose.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { ErrorNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { CheckboxField, NumberField, SelectField, TextField } from '../ui/form.tsx';
import { entryPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { PolicyView } from './policy-view.tsx';

export function PoliciesPage() {
  const { t } = useI18n();
  useDocumentTitle(t.policies.title);
  const { session } = useSession();
  const policies = useApi('policies', fetchPolicies);
  const [changing, setChanging] = useState(false);
  return (
    <>
      <h1>{t.policies.title}</h1>
      <p className="lead">{t.policies.intro}</p>
      <Loaded state={policies.state} onRetry={policies.reload}>
        {(info) => (
          <>
            <section className="card">
              <PolicyView policy={info.policy} headingLevel={2} />
              <p className="muted small">
                {t.policies.setAt}{' '}
                <Link to={entryPath(info.setAt)}>{t.log.entryLink(String(info.setAt))}</Link>
              </p>
            </section>
            <section className="card form-card" aria-labelledby="change-policy-heading">
              <h2 id="change-policy-heading">{t.policies.changeHeading}</h2>
              {!session ? (
                <SignInPrompt text={t.policies.signInToChange} />
              ) : changing ? (
                <PolicyForm
                  current={info}
                  handle={session.handle}
                  onDone={policies.reload}
                  onCancel={() => setChanging(false)}
                />
              ) : (
                <>
                  <p className="muted">{t.policies.changeIntro}</p>
                  <button type="button" className="button" onClick={() => setChanging(true)}>
                    {t.policies.changeButton}
                  </button>
                </>
              )}
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

const GOVERNANCE_FIELDS = [
  'admission',
  'removal',
  'policyChange',
  'keyRevocation',
  'smallCooperativeBelow',
] as const satisfies readonly (keyof GovernancePolicy)[];

function PolicyForm({
  current,
  handle,
  onDone,
  onCancel,
}: {
  current: PolicyInfo;
  handle: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const p = t.policies;
  const [policy, setPolicy] = useState(current.policy);
  const [oversight, setOversight] = useState((current.policy.oversight ?? []).join(', '));
  const [everyone, setEveryone] = useState(current.policy.oversight === null);
  const [problem, setProblem] = useState<string>();
  const [draft, setDraft] = useState<DraftOf<'policy.set'>>();

  function setAccess<K extends keyof AccessPolicy>(
    level: Sensitivity,
    key: K,
    value: AccessPolicy[K],
  ) {
    setPolicy((previous) => ({
      ...previous,
      access: { ...previous.access, [level]: { ...previous.access[level], [key]: value } },
    }));
  }

  function review(event: FormEvent) {
    event.preventDefault();
    const handles = oversight
      .split(/[\s,]+/)
      .map(normalizeHandle)
      .filter(Boolean);
    const parsed = Policy.safeParse({ ...policy, oversight: everyone ? null : handles });
    if (!parsed.success) {
      setProblem(
        parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      );
      return;
    }
    setProblem(undefined);
    setDraft(draftStatement('policy.set', handle, { policy: parsed.data }));
  }

  if (draft) {
    return (
      <ProposeStatement
        level={3}
        part={draft}
        signer={handle}
        onDone={onDone}
        onCancel={() => setDraft(undefined)}
      />
    );
  }
  return (
    <form onSubmit={review} noValidate>
      {SENSITIVITIES.map((level) => {
        const rules = policy.access[level];
        return (
          <fieldset key={level} className="policy-fieldset">
            <legend>{p.level(t.coop.sensitivities[level])}</legend>
            <NumberField
              label={p.approvalsLabel}
              value={rules.approvals}
              min={0}
              max={20}
              onChange={(value) => setAccess(level, 'approvals', value)}
            />
            <NumberField
              label={p.maxCertificateLabel}
              value={rules.maxCertificateMinutes}
              min={1}
              max={1440}
              onChange={(value) => setAccess(level, 'maxCertificateMinutes', value)}
            />
            <SelectField
              label={p.commandLinesLabel}
              value={rules.commandLines}
              options={[
                { value: 'public', label: p.commandLinesPublic },
                { value: 'sealed', label: p.commandLinesSealed },
              ]}
              onChange={(value) => setAccess(level, 'commandLines', value)}
            />
            <CheckboxField
              label={p.observerLabel}
              checked={rules.observer}
              onChange={(value) => setAccess(level, 'observer', value)}
            />
            <CheckboxField
              label={p.fileTransfersLabel}
              checked={rules.fileTransfers}
              onChange={(value) => setAccess(level, 'fileTransfers', value)}
            />
          </fieldset>
        );
      })}
      <fieldset className="policy-fieldset">
        <legend>{p.governance}</legend>
        {GOVERNANCE_FIELDS.map((field) => (
          <NumberField
            key={field}
            label={p.governanceLabels[field]}
            value={policy.governance[field]}
            min={field === 'smallCooperativeBelow' ? 0 : 1}
            max={field === 'smallCooperativeBelow' ? 100 : 20}
            onChange={(value) =>
              setPolicy((previous) => ({
                ...previous,
                governance: { ...previous.governance, [field]: value },
              }))
            }
          />
        ))}
      </fieldset>
      <fieldset className="policy-fieldset">
        <legend>{p.oversight}</legend>
        <CheckboxField label={p.oversightAll} checked={everyone} onChange={setEveryone} />
        {!everyone && (
          <TextField
            label={p.oversightLabel}
            hint={p.oversightHint}
            value={oversight}
            onChange={setOversight}
            spellCheck={false}
          />
        )}
      </fieldset>
      {problem && <ErrorNotice message={problem} />}
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
