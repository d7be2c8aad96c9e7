import {
  SERVICE_STATUSES,
  type MemberStatementType,
  type ServiceInfo,
  type ServiceStatus,
  type SignedPart,
  WikiPath,
} from '@allmende/protocol';
import { useState } from 'react';
import { fetchMembers, fetchService } from '../api/coop.ts';
import type { Session } from '../api/auth.ts';
import { useSession } from '../auth/session.tsx';
import { ServiceDeskSection } from '../desk/service-desk.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { draftStatement, type BodyOf } from '../sign/draft.ts';
import { ProposeStatement } from '../sign/propose.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { SelectField } from '../ui/form.tsx';
import { entryPath, wikiPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { ServiceBadges } from './badges.tsx';

export function ServicePage({ slug }: { slug: string }) {
  const { t } = useI18n();
  const service = useApi(`service:${slug}`, (signal) => fetchService(slug, signal));
  const title = service.state.status === 'ready' ? service.state.data.name : slug;
  useDocumentTitle(title);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/services">
          <span aria-hidden="true">← </span>
          {t.services.title}
        </Link>
      </p>
      <Loaded state={service.state} onRetry={service.reload}>
        {(info) => <ServiceDetails service={info} onChanged={service.reload} />}
      </Loaded>
    </>
  );
}

function ServiceDetails({ service, onChanged }: { service: ServiceInfo; onChanged: () => void }) {
  const { t } = useI18n();
  const s = t.services;
  const { session } = useSession();
  return (
    <>
      <h1>{service.name}</h1>
      <ServiceBadges service={service} />
      {service.description && <p className="lead notice-text">{service.description}</p>}
      <div className="entry-layout">
        <section className="card" aria-labelledby="service-facts">
          <h2 id="service-facts">{s.facts}</h2>
          <dl className="facts facts-stacked">
            <div>
              <dt>{s.slug}</dt>
              <dd>
                <code>{service.slug}</code>
              </dd>
            </div>
            <div>
              <dt>{s.responsible}</dt>
              <dd>{service.responsible ? <MemberLink handle={service.responsible} /> : s.noOne}</dd>
            </div>
            <div>
              <dt>{s.stewards}</dt>
              <dd>
                <StewardList service={service} role="steward" />
              </dd>
            </div>
            <div>
              <dt>{s.deputies}</dt>
              <dd>
                <StewardList service={service} role="deputy" />
              </dd>
            </div>
            <div>
              <dt>{s.addresses}</dt>
              <dd>
                {service.addresses.length === 0 ? (
                  t.statement.none
                ) : (
                  <ul className="plain-list">
                    {service.addresses.map((address) => (
                      <li key={address}>
                        <code>{address}</code>
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div>
              <dt>{s.hosts}</dt>
              <dd>
                {service.hosts.length === 0 ? (
                  t.statement.none
                ) : (
                  <ul className="plain-list">
                    {service.hosts.map((host) => (
                      <li key={host}>
                        <Link to="/hosts">
                          <code>{host}</code>
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div>
              <dt>{s.docPage}</dt>
              <dd>
                {service.docPage === null ? (
                  t.statement.none
                ) : WikiPath.safeParse(service.docPage).success ? (
                  <Link to={wikiPath(service.docPage)}>
                    <code>{service.docPage}</code>
                  </Link>
                ) : (
                  <code>{service.docPage}</code>
                )}
              </dd>
            </div>
            <div>
              <dt>{s.createdAt}</dt>
              <dd>
                <Link to={entryPath(service.createdAt)}>
                  {t.log.entryLink(String(service.createdAt))}
                </Link>
              </dd>
            </div>
          </dl>
        </section>
        <section className="card" aria-labelledby="service-actions">
          <h2 id="service-actions">{s.actions}</h2>
          {session ? (
            <ServiceActions service={service} session={session} onChanged={onChanged} />
          ) : (
            <SignInPrompt text={s.signInToAct} />
          )}
        </section>
      </div>
      <ServiceDeskSection slug={service.slug} />
    </>
  );
}

function StewardList({ service, role }: { service: ServiceInfo; role: 'steward' | 'deputy' }) {
  const { t } = useI18n();
  const people = service.stewards.filter((s) => s.role === role);
  if (people.length === 0) return <>{t.services.noOne}</>;
  return (
    <ul className="plain-list">
      {people.map((person) => (
        <li key={person.handle}>
          <MemberLink handle={person.handle} />
          {person.away && <span className="muted"> ({t.services.away})</span>}
        </li>
      ))}
    </ul>
  );
}

/** What a signed-in member can do here: each action drafts a statement to review and sign. */
function ServiceActions({
  service,
  session,
  onChanged,
}: {
  service: ServiceInfo;
  session: Session;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const s = t.services;
  const me = session.handle;
  const [draft, setDraft] = useState<SignedPart>();
  const [status, setStatus] = useState<ServiceStatus>(service.status);
  const [successor, setSuccessor] = useState('');
  const members = useApi('members', fetchMembers);
  const role = service.stewards.find((steward) => steward.handle === me)?.role;

  function start<T extends MemberStatementType>(type: T, body: BodyOf<T>) {
    setDraft(draftStatement(type, me, body));
  }

  if (draft) {
    return (
      <ProposeStatement
        level={3}
        part={draft}
        signer={me}
        onDone={onChanged}
        onCancel={() => setDraft(undefined)}
      />
    );
  }

  const candidates =
    members.state.status === 'ready'
      ? members.state.data.members.filter((m) => m.status === 'active' && m.handle !== me)
      : [];
  const chosen = successor || candidates[0]?.handle || '';
  return (
    <div className="service-actions">
      <p className="muted small">{s.actionsIntro}</p>
      {role === undefined && (
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() =>
              start('steward.assigned', { service: service.slug, handle: me, role: 'steward' })
            }
          >
            {s.becomeSteward}
          </button>
          <button
            type="button"
            className="button"
            onClick={() =>
              start('steward.assigned', { service: service.slug, handle: me, role: 'deputy' })
            }
          >
            {s.becomeDeputy}
          </button>
        </div>
      )}
      {role !== undefined && <p>{role === 'steward' ? s.youAreSteward : s.youAreDeputy}</p>}
      {role === 'steward' && candidates.length > 0 && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (chosen)
              start('steward.handed-over', { service: service.slug, from: me, to: chosen });
          }}
        >
          <SelectField
            label={s.handOverTo}
            value={chosen}
            options={candidates.map((m) => ({ value: m.handle, label: `${m.name} (${m.handle})` }))}
            onChange={setSuccessor}
          />
          <button type="submit" className="button">
            {s.handOver}
          </button>
        </form>
      )}
      {role !== undefined && (
        <div className="actions">
          <button
            type="button"
            className="button"
            onClick={() => start('steward.resigned', { service: service.slug, handle: me })}
          >
            {role === 'steward' ? s.resign : s.resignDeputy}
          </button>
        </div>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (status !== service.status) start('service.updated', { slug: service.slug, status });
        }}
      >
        <SelectField
          label={s.newStatus}
          value={status}
          options={SERVICE_STATUSES.map((value) => ({ value, label: t.coop.statuses[value] }))}
          onChange={setStatus}
        />
        <button type="submit" className="button" aria-disabled={status === service.status}>
          {s.updateStatus}
        </button>
      </form>
    </div>
  );
}
