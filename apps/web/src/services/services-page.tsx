import type { ServiceInfo } from '@allmende/protocol';
import { useState } from 'react';
import { fetchServices } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { MemberLink } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { servicePath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { ServiceBadges } from './badges.tsx';
import { NewServiceForm } from './new-service-form.tsx';

export function ServicesPage() {
  const { t } = useI18n();
  useDocumentTitle(t.services.title);
  const { session } = useSession();
  const services = useApi('services', fetchServices);
  const [adding, setAdding] = useState(false);

  return (
    <>
      <h1>{t.services.title}</h1>
      <p className="lead">{t.services.intro}</p>
      <Loaded state={services.state} onRetry={services.reload}>
        {({ services: list }) =>
          list.length === 0 ? (
            <p>{t.services.none}</p>
          ) : (
            <ul className="card-list">
              {list.map((service) => (
                <ServiceCard key={service.slug} service={service} />
              ))}
            </ul>
          )
        }
      </Loaded>
      <section className="card form-card" aria-labelledby="new-service-heading">
        <h2 id="new-service-heading">{t.services.newHeading}</h2>
        {!session ? (
          <SignInPrompt text={t.services.signInToAdd} />
        ) : adding ? (
          <NewServiceForm
            handle={session.handle}
            onDone={services.reload}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <>
            <p className="muted">{t.services.newIntro}</p>
            <button type="button" className="button" onClick={() => setAdding(true)}>
              {t.services.newButton}
            </button>
          </>
        )}
      </section>
    </>
  );
}

function ServiceCard({ service }: { service: ServiceInfo }) {
  const { t } = useI18n();
  return (
    <li className="card service-card">
      <h2 className="card-title">
        <Link to={servicePath(service.slug)}>{service.name}</Link>
      </h2>
      <ServiceBadges service={service} />
      {service.description && <p className="clamp">{service.description}</p>}
      <dl className="facts">
        <div>
          <dt>{t.services.stewards}</dt>
          <dd>
            <StewardNames service={service} />
          </dd>
        </div>
        <div>
          <dt>{t.services.responsible}</dt>
          <dd>
            {service.responsible ? <MemberLink handle={service.responsible} /> : t.services.noOne}
          </dd>
        </div>
      </dl>
    </li>
  );
}

export function StewardNames({ service }: { service: ServiceInfo }) {
  const { t } = useI18n();
  if (service.stewards.length === 0) return <>{t.services.noOne}</>;
  return (
    <>
      {service.stewards.map((steward, i) => (
        <span key={steward.handle}>
          {i > 0 && ', '}
          <MemberLink handle={steward.handle} />
          {steward.role === 'deputy' && ` (${t.coop.roles.deputy})`}
          {steward.away && ` (${t.services.away})`}
        </span>
      ))}
    </>
  );
}
