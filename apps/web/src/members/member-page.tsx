import type { KeyInfo, MemberInfo } from '@allmende/protocol';
import { fetchMember } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { KeyLabel } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { entryPath, servicePath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

export function MemberPage({ handle }: { handle: string }) {
  const { t } = useI18n();
  const { session } = useSession();
  const member = useApi(`member:${handle}:${session?.handle ?? ''}`, (signal) =>
    fetchMember(handle, signal),
  );
  useDocumentTitle(member.state.status === 'ready' ? member.state.data.name : handle);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/members">
          <span aria-hidden="true">← </span>
          {t.members.title}
        </Link>
      </p>
      <Loaded state={member.state} onRetry={member.reload}>
        {(info) => <MemberDetails member={info} />}
      </Loaded>
    </>
  );
}

type HistoryItem = { index: number; text: string };

function history(member: MemberInfo, t: ReturnType<typeof useI18n>['t']): HistoryItem[] {
  const items: HistoryItem[] = [{ index: member.admittedAt, text: t.members.admitted }];
  for (const key of member.keys) {
    const kind = t.statement.keyKinds[key.key.kind];
    if (key.addedAt !== member.admittedAt)
      items.push({ index: key.addedAt, text: t.members.keyAdded(kind) });
    if (key.revokedAt !== null)
      items.push({ index: key.revokedAt, text: t.members.keyRevoked(kind) });
  }
  if (member.leftAt !== null) {
    items.push({ index: member.leftAt, text: t.coop.memberStatuses[member.status] });
  }
  return items.sort((a, b) => a.index - b.index);
}

function MemberDetails({ member }: { member: MemberInfo }) {
  const { t, formatDay } = useI18n();
  const m = t.members;
  return (
    <>
      <h1>{member.name}</h1>
      <p className="member-handle">
        <code>{member.handle}</code>
        <span className="pill">{t.coop.memberStatuses[member.status]}</span>
        {member.away && (
          <span className="pill">
            {member.awayUntil ? m.awayUntil(formatDay(member.awayUntil)) : m.away}
          </span>
        )}
      </p>
      {member.email && (
        <p>
          {m.email}: <a href={`mailto:${member.email}`}>{member.email}</a>
        </p>
      )}
      <div className="entry-layout">
        <section className="card" aria-labelledby="keys-heading">
          <h2 id="keys-heading">{m.keys}</h2>
          <ul className="key-list">
            {member.keys.map((key) => (
              <KeyItem key={key.id} info={key} />
            ))}
          </ul>
        </section>
        <div className="stack">
          <section className="card" aria-labelledby="services-heading">
            <h2 id="services-heading">{m.services}</h2>
            {member.services.length === 0 ? (
              <p>{m.noServices}</p>
            ) : (
              <ul className="plain-list">
                {member.services.map((service) => (
                  <li key={service.slug}>
                    <Link to={servicePath(service.slug)}>{service.slug}</Link>{' '}
                    <span className="muted">({t.coop.roles[service.role]})</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{m.history}</h2>
            <ol className="plain-list history">
              {history(member, t).map((item) => (
                <li key={`${item.index}-${item.text}`}>
                  <Link to={entryPath(item.index)}>{t.log.entryLink(String(item.index))}</Link>:{' '}
                  {item.text}
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </>
  );
}

function KeyItem({ info }: { info: KeyInfo }) {
  const { t } = useI18n();
  return (
    <li className={info.revokedAt === null ? 'key' : 'key key-revoked'}>
      <p>
        <KeyLabel memberKey={info.key} />
      </p>
      <p className="small muted">
        <span className="hash">{info.id}</span>
        {' · '}
        {t.members.addedAt}{' '}
        <Link to={entryPath(info.addedAt)}>{t.log.entryLink(String(info.addedAt))}</Link>
        {info.revokedAt !== null && (
          <>
            {' · '}
            {t.members.revokedAt}{' '}
            <Link to={entryPath(info.revokedAt)}>{t.log.entryLink(String(info.revokedAt))}</Link>
          </>
        )}
      </p>
    </li>
  );
}
