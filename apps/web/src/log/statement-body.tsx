import type { MemberKey, StatementSignature } from '@allmende/protocol';
import type { ReactNode } from 'react';
import { fetchMember } from '../api/coop.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { PolicyView } from '../policies/policy-view.tsx';
import { Link } from '../router.tsx';
import { accessRequestPath, entryPath, memberPath, servicePath, ticketPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import type { StatementContent } from './statement-text.ts';

/**
 * The body of a statement, field by field, as rows of a `<dl>`: what the log records and what
 * a member signs. Every field is shown; nothing a signature covers is left out.
 */
export function StatementBody({ statement }: { statement: StatementContent }) {
  const { t, formatMoney, formatDay, formatDateTime } = useI18n();
  const f = t.statement.fields;
  switch (statement.type) {
    case 'coop.founded': {
      const { body } = statement;
      return (
        <>
          <Row label={f.name}>{body.name}</Row>
          <Row label={f.origin}>
            <code>{body.origin}</code>
          </Row>
          <Row label={f.url}>
            <code>{body.url}</code>
          </Row>
          <Row label={f.logKey}>
            <code className="hash">{body.logKey}</code>
          </Row>
          <Row label={f.founders}>
            {body.founders.length === 0 ? (
              t.statement.none
            ) : (
              <ul className="plain-list">
                {body.founders.map((founder) => (
                  <li key={founder.handle}>
                    {founder.name} (<MemberLink handle={founder.handle} />)
                  </li>
                ))}
              </ul>
            )}
          </Row>
          <Row label={f.policy}>
            <PolicyView policy={body.policy} />
          </Row>
        </>
      );
    }
    case 'notice':
      return (
        <Row label={f.text} className="notice-text">
          {statement.body.text}
        </Row>
      );
    case 'member.admitted': {
      const { body } = statement;
      return (
        <>
          <Row label={f.handle}>
            <code>{body.handle}</code>
          </Row>
          <Row label={f.name}>{body.name}</Row>
          <Row label={f.keys}>
            <ul className="plain-list">
              {body.keys.map((key, i) => (
                <li key={i}>
                  <KeyLabel memberKey={key} />
                </li>
              ))}
            </ul>
          </Row>
          {body.invitation && (
            <Row label={f.invitation}>
              <code className="hash">{body.invitation}</code>
            </Row>
          )}
        </>
      );
    }
    case 'member.left':
    case 'member.removed':
      return (
        <>
          <Row label={f.handle}>
            <MemberLink handle={statement.body.handle} />
          </Row>
          {statement.body.reason && (
            <Row label={f.reason} className="notice-text">
              {statement.body.reason}
            </Row>
          )}
        </>
      );
    case 'key.added':
      return (
        <>
          <Row label={f.handle}>
            <MemberLink handle={statement.body.handle} />
          </Row>
          <Row label={f.key}>
            <KeyLabel memberKey={statement.body.key} />
          </Row>
        </>
      );
    case 'key.revoked':
      return (
        <>
          <Row label={f.handle}>
            <MemberLink handle={statement.body.handle} />
          </Row>
          <Row label={f.key}>
            <RevokedKey handle={statement.body.handle} id={statement.body.key} />
          </Row>
          {statement.body.reason && (
            <Row label={f.reason} className="notice-text">
              {statement.body.reason}
            </Row>
          )}
        </>
      );
    case 'policy.set':
      return (
        <Row label={f.policy}>
          <PolicyView policy={statement.body.policy} />
        </Row>
      );
    case 'service.created':
    case 'service.updated': {
      const { body } = statement;
      return (
        <>
          <Row label={f.slug}>
            <Link to={servicePath(body.slug)}>{body.slug}</Link>
          </Row>
          {body.name !== undefined && <Row label={f.name}>{body.name}</Row>}
          {body.description !== undefined && (
            <Row label={f.description} className="notice-text">
              {body.description || t.statement.none}
            </Row>
          )}
          {body.sensitivity !== undefined && (
            <Row label={f.sensitivity}>{t.coop.sensitivities[body.sensitivity]}</Row>
          )}
          {body.status !== undefined && <Row label={f.status}>{t.coop.statuses[body.status]}</Row>}
          {body.addresses !== undefined && (
            <Row label={f.addresses}>
              <TextList items={body.addresses} code />
            </Row>
          )}
          {body.docPage !== undefined && (
            <Row label={f.docPage}>
              {body.docPage === null ? t.statement.none : <code>{body.docPage}</code>}
            </Row>
          )}
          {body.hosts !== undefined && (
            <Row label={f.hosts}>
              <TextList items={body.hosts} code />
            </Row>
          )}
        </>
      );
    }
    case 'steward.assigned':
      return (
        <>
          <Row label={f.service}>
            <Link to={servicePath(statement.body.service)}>{statement.body.service}</Link>
          </Row>
          <Row label={f.handle}>
            <MemberLink handle={statement.body.handle} />
          </Row>
          <Row label={f.role}>{t.coop.roles[statement.body.role]}</Row>
        </>
      );
    case 'steward.handed-over':
      return (
        <>
          <Row label={f.service}>
            <Link to={servicePath(statement.body.service)}>{statement.body.service}</Link>
          </Row>
          <Row label={f.from}>
            <MemberLink handle={statement.body.from} />
          </Row>
          <Row label={f.to}>
            <MemberLink handle={statement.body.to} />
          </Row>
        </>
      );
    case 'steward.resigned':
      return (
        <>
          <Row label={f.service}>
            <Link to={servicePath(statement.body.service)}>{statement.body.service}</Link>
          </Row>
          <Row label={f.handle}>
            <MemberLink handle={statement.body.handle} />
          </Row>
        </>
      );
    case 'steward.away':
      return (
        <>
          <Row label={f.handle}>
            <MemberLink handle={statement.body.handle} />
          </Row>
          <Row label={f.away}>{statement.body.away ? t.statement.yes : t.statement.no}</Row>
          {statement.body.until && <Row label={f.until}>{formatDay(statement.body.until)}</Row>}
        </>
      );
    case 'ticket.opened': {
      const { body } = statement;
      return (
        <>
          <Row label={f.ticket}>#{body.ticket}</Row>
          {body.title !== undefined && <Row label={f.title}>{body.title}</Row>}
          <Row label={f.service}>
            {body.service === null ? (
              t.statement.none
            ) : (
              <Link to={servicePath(body.service)}>{body.service}</Link>
            )}
          </Row>
          <Row label={f.private}>{body.private ? t.statement.yes : t.statement.no}</Row>
          <Row label={f.digest}>
            <code className="hash">{body.digest}</code>
          </Row>
        </>
      );
    }
    case 'ticket.closed':
      return (
        <>
          <Row label={f.ticket}>#{statement.body.ticket}</Row>
          <Row label={f.resolution}>{t.statement.ticketResolutions[statement.body.resolution]}</Row>
        </>
      );
    case 'access.requested': {
      const { body } = statement;
      return (
        <>
          <Row label={f.hostName}>
            <code>{body.host}</code>
          </Row>
          <Row label={f.login}>
            <code>{body.login}</code>
          </Row>
          <Row label={f.minutes}>{body.minutes}</Row>
          <Row label={f.ticket}>
            <Link to={ticketPath(body.ticket)}>#{body.ticket}</Link>
          </Row>
          <Row label={f.reason}>{body.reason}</Row>
          {body.command !== undefined && (
            <Row label={f.command}>
              <code>{body.command}</code>
            </Row>
          )}
          <Row label={f.sshKey}>
            <code className="hash">{body.key}</code>
          </Row>
        </>
      );
    }
    case 'access.approved':
    case 'access.denied':
    case 'access.withdrawn': {
      const { body } = statement;
      return (
        <>
          <Row label={f.request}>
            <Link to={accessRequestPath(body.request)}>{body.request}</Link>
          </Row>
          <Row label={f.requestDigest}>
            <code className="hash">{body.digest}</code>
          </Row>
          {'reason' in body && body.reason !== undefined && (
            <Row label={f.reason}>{body.reason}</Row>
          )}
        </>
      );
    }
    case 'access.expired':
      return (
        <Row label={f.request}>
          <Link to={accessRequestPath(statement.body.request)}>{statement.body.request}</Link>
        </Row>
      );
    case 'ca.created':
      return (
        <Row label={f.caKey}>
          <code className="hash">{statement.body.key}</code>
        </Row>
      );
    case 'cert.issued': {
      const { body } = statement;
      return (
        <>
          <Row label={f.request}>
            <Link to={accessRequestPath(body.request)}>{body.request}</Link>
          </Row>
          <Row label={f.approvals}>
            <span className="pills">
              {body.approvals.map((index) => (
                <Link key={index} to={entryPath(index)}>
                  {index}
                </Link>
              ))}
            </span>
          </Row>
          <Row label={f.serial}>{body.serial}</Row>
          <Row label={f.keyId}>
            <code>{body.keyId}</code>
          </Row>
          <Row label={f.principal}>
            <code>{body.principal}</code>
          </Row>
          <Row label={f.validAfter}>{formatDateTime(body.validAfter)}</Row>
          <Row label={f.validBefore}>{formatDateTime(body.validBefore)}</Row>
          <Row label={f.sshKey}>
            <code className="hash">{body.key}</code>
          </Row>
          <Row label={f.certificateDigest}>
            <code className="hash">{body.digest}</code>
          </Row>
          <Row label={f.certificate}>
            <code className="hash">{body.certificate}</code>
          </Row>
        </>
      );
    }
    case 'cert.revoked':
      return (
        <>
          <Row label={f.request}>
            <Link to={accessRequestPath(statement.body.request)}>{statement.body.request}</Link>
          </Row>
          <Row label={f.serial}>{statement.body.serial}</Row>
          <Row label={f.reason}>{t.statement.revocationReasons[statement.body.reason]}</Row>
        </>
      );
    case 'host.enrolled':
    case 'host.attested':
    case 'session.refused':
      return (
        <Row label={t.statement.fields.body}>
          <pre className="statement-json">{JSON.stringify(statement.body, null, 2)}</pre>
        </Row>
      );
    case 'session.started':
    case 'session.chunk':
    case 'session.ended':
      return (
        <>
          <Row label={t.statement.sessionLink}>
            <Link to={`/sessions/${statement.body.session}`}>{statement.body.session}</Link>
          </Row>
          <Row label={t.statement.fields.body}>
            <pre className="statement-json">{JSON.stringify(statement.body, null, 2)}</pre>
          </Row>
        </>
      );
    case 'host.added':
    case 'host.updated': {
      const { body } = statement;
      return (
        <>
          <Row label={f.hostName}>
            <code>{body.name}</code>
          </Row>
          {body.address !== undefined && (
            <Row label={f.address}>
              <code>{body.address}</code>
            </Row>
          )}
          {body.provider !== undefined && <Row label={f.provider}>{body.provider}</Row>}
          {body.location !== undefined && <Row label={f.location}>{body.location}</Row>}
          {body.monthlyCost !== undefined && (
            <Row label={f.monthlyCost}>{formatMoney(body.monthlyCost)}</Row>
          )}
        </>
      );
    }
  }
}

function Row({
  label,
  className,
  children,
}: {
  label: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}

function TextList({ items, code }: { items: readonly string[]; code?: boolean }) {
  const { t } = useI18n();
  if (items.length === 0) return <>{t.statement.none}</>;
  return (
    <ul className="plain-list">
      {items.map((item) => (
        <li key={item}>{code ? <code>{item}</code> : item}</li>
      ))}
    </ul>
  );
}

export function MemberLink({ handle }: { handle: string }) {
  return <Link to={memberPath(handle)}>{handle}</Link>;
}

/** A member's key as a person recognises it: its kind, its label, and enough of it to compare. */
export function KeyLabel({ memberKey }: { memberKey: MemberKey }) {
  const { t } = useI18n();
  const kind = t.statement.keyKinds[memberKey.kind];
  switch (memberKey.kind) {
    case 'ssh':
      return (
        <>
          {kind} <code className="hash">{memberKey.publicKey}</code>
        </>
      );
    case 'passkey':
      return (
        <>
          {kind}
          {memberKey.label ? ` ${t.statement.quote(memberKey.label)} ` : ' '}
          <code className="hash">{shorten(memberKey.credentialId)}</code>
        </>
      );
    case 'age':
      return (
        <>
          {kind} <code className="hash">{memberKey.recipient}</code>
        </>
      );
  }
}

/**
 * The key a revocation names: the ID that the signatures cover and, where the holder's page
 * still lists the key, the kind and label by which people know it.
 */
function RevokedKey({ handle, id }: { handle: string; id: string }) {
  const member = useApi(`member:${handle}`, (signal) => fetchMember(handle, signal));
  const known =
    member.state.status === 'ready'
      ? member.state.data.keys.find((key) => key.id === id)
      : undefined;
  return (
    <>
      {known && (
        <span className="key-name">
          <KeyLabel memberKey={known.key} />
        </span>
      )}
      <code className="hash">{id}</code>
    </>
  );
}

function shorten(text: string): string {
  return text.length > 24 ? `${text.slice(0, 12)}…${text.slice(-8)}` : text;
}

/** Who signed, and with what kind of key. */
export function SignatureList({ signatures }: { signatures: readonly StatementSignature[] }) {
  const { t } = useI18n();
  return (
    <ul className="plain-list">
      {signatures.map((signature, i) => (
        <li key={i}>
          <MemberLink handle={signature.signer} />{' '}
          <span className="muted">({t.statement.keyKinds[signature.kind]})</span>
        </li>
      ))}
    </ul>
  );
}
