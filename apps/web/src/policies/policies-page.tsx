import {
  Policy,
  SENSITIVITIES,
  normalizeHandle,
  witnessPolicy,
  type AccessPolicy,
  type GovernancePolicy,
  type PolicyInfo,
  type PolicyWitness,
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
  const [witnesses, setWitnesses] = useState<PolicyWitness[]>(
    witnessPolicy(current.policy).witnesses,
  );
  const [quorum, setQuorum] = useState(witnessPolicy(current.policy).quorum);
  const [newWitness, setNewWitness] = useState<PolicyWitness>({ name: '', url: '', key: '' });

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
    const rest = Object.fromEntries(
      Object.entries(policy).filter(([key]) => key !== 'witnesses' && key !== 'witnessQuorum'),
    );
    // A policy without witnesses leaves the fields out, as policies before witnesses did.
    const witnessFields =
      witnesses.length === 0 && quorum === 0 ? {} : { witnesses, witnessQuorum: quorum };
    const parsed = Policy.safeParse({
      ...rest,
      ...witnessFields,
      oversight: everyone ? null : handles,
    });
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
      <fieldset className="policy-fieldset">
        <legend>{p.witnesses}</legend>
        <p className="muted small">{p.witnessesIntro}</p>
        {witnesses.length > 0 && (
          <ul className="plain-list">
            {witnesses.map((witness) => (
              <li key={witness.key}>
                <strong>{witness.name}</strong> <span className="muted small">{witness.url}</span>{' '}
                <button
                  type="button"
                  className="button button-quiet"
                  onClick={() => {
                    setWitnesses((list) => list.filter((w) => w.key !== witness.key));
                    setQuorum((k) => Math.min(k, witnesses.length - 1));
                  }}
                >
                  {p.removeWitness(witness.name)}
                </button>
              </li>
            ))}
          </ul>
        )}
        <TextField
          label={p.witnessNameLabel}
          value={newWitness.name}
          onChange={(name) => setNewWitness((w) => ({ ...w, name }))}
        />
        <TextField
          label={p.witnessUrlLabel}
          type="url"
          value={newWitness.url}
          onChange={(url) => setNewWitness((w) => ({ ...w, url: url.trim() }))}
          spellCheck={false}
        />
        <TextField
          label={p.witnessKeyLabel}
          hint={p.witnessKeyHint}
          value={newWitness.key}
          onChange={(key) => setNewWitness((w) => ({ ...w, key: key.trim() }))}
          spellCheck={false}
        />
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={!newWitness.name.trim() || !newWitness.url || !newWitness.key}
            onClick={() => {
              setWitnesses((list) => [...list, { ...newWitness, name: newWitness.name.trim() }]);
              setNewWitness({ name: '', url: '', key: '' });
            }}
          >
            {p.addWitness}
          </button>
        </div>
        <NumberField
          label={p.witnessQuorumLabel}
          value={quorum}
          min={0}
          max={witnesses.length}
          onChange={setQuorum}
        />
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
