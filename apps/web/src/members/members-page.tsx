import type { MemberInfo } from '@allmende/protocol';
import { fetchMembers } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { memberPath, servicePath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

export function MembersPage() {
  const { t } = useI18n();
  useDocumentTitle(t.members.title);
  const { session } = useSession();
  // Signing in or out changes what the server shows (e-mail addresses): ask again.
  const members = useApi(`members:${session?.handle ?? ''}`, fetchMembers);
  return (
    <>
      <h1>{t.members.title}</h1>
      <p className="lead">{t.members.intro}</p>
      {!session && <p className="muted small">{t.members.emailHidden}</p>}
      <Loaded state={members.state} onRetry={members.reload}>
        {({ members: list }) =>
          list.length === 0 ? (
            <p>{t.members.none}</p>
          ) : (
            <ul className="card-list member-list">
              {list.map((member) => (
                <MemberCard key={member.handle} member={member} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

function MemberCard({ member }: { member: MemberInfo }) {
  const { t } = useI18n();
  return (
    <li className="card member-card">
      <h2 className="card-title">
        <Link to={memberPath(member.handle)}>{member.name}</Link>
      </h2>
      <p className="member-handle">
        <code>{member.handle}</code>
        {member.status !== 'active' && (
          <span className="pill"> {t.coop.memberStatuses[member.status]}</span>
        )}
        {member.away && <span className="pill">{t.members.away}</span>}
      </p>
      {member.email && (
        <p className="small">
          <span className="visually-hidden">{t.members.email}: </span>
          <a href={`mailto:${member.email}`}>{member.email}</a>
        </p>
      )}
      {member.services.length > 0 && (
        <p className="small muted">
          {t.members.looksAfter}{' '}
          {member.services.map((service, i) => (
            <span key={service.slug}>
              {i > 0 && ', '}
              <Link to={servicePath(service.slug)}>{service.slug}</Link>
              {service.role === 'deputy' && ` (${t.coop.roles.deputy})`}
            </span>
          ))}
        </p>
      )}
    </li>
  );
}
