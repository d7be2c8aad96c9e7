import { SENSITIVITIES, witnessPolicy, type AccessPolicy, type Policy } from '@allmende/protocol';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { memberPath } from '../ui/paths.ts';

/** The cooperative's policy in sentences: what access to each kind of service takes, and who decides. */
export function PolicyView({ policy, headingLevel = 3 }: { policy: Policy; headingLevel?: 2 | 3 }) {
  const { t } = useI18n();
  const p = t.policies;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const { witnesses, quorum } = witnessPolicy(policy);
  return (
    <div className="policy">
      <Heading>{p.access}</Heading>
      <p className="muted small">{p.accessIntro}</p>
      <div className="policy-levels">
        {SENSITIVITIES.map((sensitivity) => (
          <section
            key={sensitivity}
            className="policy-level"
            aria-label={p.level(t.coop.sensitivities[sensitivity])}
          >
            <p className="policy-level-name">
              <span className={`badge-inline sensitivity-${sensitivity}`}>
                {t.coop.sensitivities[sensitivity]}
              </span>
            </p>
            <AccessRules rules={policy.access[sensitivity]} />
          </section>
        ))}
      </div>
      <Heading>{p.governance}</Heading>
      <ul className="plain-list">
        <li>{p.admission(policy.governance.admission)}</li>
        <li>{p.removal(policy.governance.removal)}</li>
        <li>{p.policyChange(policy.governance.policyChange)}</li>
        <li>{p.keyRevocation(policy.governance.keyRevocation)}</li>
        {policy.governance.smallCooperativeBelow > 0 && (
          <li>{p.smallCooperative(policy.governance.smallCooperativeBelow)}</li>
        )}
      </ul>
      <Heading>{p.oversight}</Heading>
      {policy.oversight === null ? (
        <p>{p.oversightAll}</p>
      ) : policy.oversight.length === 0 ? (
        <p>{p.oversightNobody}</p>
      ) : (
        <p>
          {p.oversightMembers}{' '}
          {policy.oversight.map((handle, i) => (
            <span key={handle}>
              {i > 0 && ', '}
              <Link to={memberPath(handle)}>{handle}</Link>
            </span>
          ))}
        </p>
      )}
      <Heading>{p.witnesses}</Heading>
      {witnesses.length === 0 ? (
        <p>{p.witnessesNone}</p>
      ) : (
        <>
          <p>{p.witnessQuorum(quorum, witnesses.length)}</p>
          <ul className="plain-list">
            {witnesses.map((witness) => (
              <li key={witness.key}>
                <strong>{witness.name}</strong> <span className="muted small">{witness.url}</span>
                <br />
                <code className="hash">{witness.key}</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function AccessRules({ rules }: { rules: AccessPolicy }) {
  const { t } = useI18n();
  const p = t.policies;
  return (
    <ul className="plain-list">
      <li>{p.approvals(rules.approvals)}</li>
      <li>{rules.observer ? p.observer : p.noObserver}</li>
      <li>{p.maxCertificate(rules.maxCertificateMinutes)}</li>
      <li>{rules.commandLines === 'public' ? p.commandLinesPublic : p.commandLinesSealed}</li>
      <li>{rules.fileTransfers ? p.fileTransfers : p.noFileTransfers}</li>
    </ul>
  );
}
