import type { KeyInfo, MemberInfo } from '@allmende/protocol';
import { useId, useState } from 'react';
import { fetchMember } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { KeyLabel } from '../log/statement-body.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded } from '../ui/feedback.tsx';
import { entryPath, servicePath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { LostKeyRevocation, OpenProposalsAbout, RemovalSection } from './member-actions.tsx';

export function MemberPage({ handle }: { handle: string }) {
  const { t } = useI18n();
  const { session } = useSession();
  const member = useApi(`member:${handle}:${session?.handle ?? ''}`, (signal) =>
    fetchMember(handle, signal),
  );
  // What a member did here changes the member and the proposals about them: ask again for both.
  const [changes, setChanges] = useState(0);
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
        {(info) => (
          <MemberDetails
            member={info}
            me={session?.handle}
            changes={changes}
            onChanged={() => {
              member.reload();
              setChanges((n) => n + 1);
            }}
          />
        )}
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

function MemberDetails({
  member,
  me,
  changes,
  onChanged,
}: {
  member: MemberInfo;
  /** The signed-in member, if any. */
  me: string | undefined;
  changes: number;
  onChanged: () => void;
}) {
  const { t, formatDay } = useI18n();
  const m = t.members;
  // Members act on others here; their own keys they revoke from their account page.
  const actor = me !== undefined && me !== member.handle ? me : undefined;
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
          <MemberKeys member={member} actor={actor} onChanged={onChanged} />
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
          {me !== undefined && <OpenProposalsAbout key={changes} handle={member.handle} />}
          {actor !== undefined && (
            <RemovalSection member={member} me={actor} onChanged={onChanged} />
          )}
        </div>
      </div>
    </>
  );
}

function MemberKeys({
  member,
  actor,
  onChanged,
}: {
  member: MemberInfo;
  actor: string | undefined;
  onChanged: () => void;
}) {
  const [revoking, setRevoking] = useState<KeyInfo>();
  const canRevoke = actor !== undefined && member.status === 'active' && !revoking;
  return (
    <>
      <ul className="key-list">
        {member.keys.map((key) => (
          <KeyItem
            key={key.id}
            info={key}
            {...(canRevoke && key.revokedAt === null ? { onRevoke: () => setRevoking(key) } : {})}
          />
        ))}
      </ul>
      {actor !== undefined && revoking && (
        <LostKeyRevocation
          member={member}
          info={revoking}
          me={actor}
          onDone={onChanged}
          onCancel={() => setRevoking(undefined)}
        />
      )}
    </>
  );
}

function KeyItem({ info, onRevoke }: { info: KeyInfo; onRevoke?: () => void }) {
  const { t } = useI18n();
  const labelId = useId();
  return (
    <li className={info.revokedAt === null ? 'key' : 'key key-revoked'}>
      <p id={labelId}>
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
      {onRevoke && (
        <button
          type="button"
          className="button button-quiet"
          aria-describedby={labelId}
          onClick={onRevoke}
        >
          {t.members.revokeLost}
        </button>
      )}
    </li>
  );
}
