import type { MemberKey, StatementOf, StatementType } from '@allmende/protocol';
import type { Messages } from '../i18n/messages.ts';

const SUMMARY_CHARS = 160;

/** What a summary needs of a statement: logged, proposed or only drafted. */
export type StatementContent = {
  [K in StatementType]: Pick<StatementOf<K>, 'type' | 'actor' | 'body'>;
}[StatementType];

/** The changed fields of an update, in the reader's words. */
type UpdatableField = keyof Messages['statement']['fields'];

/** One line that says what a statement is about, for lists and before signing. */
export function summarize(statement: StatementContent, t: Messages): string {
  const s = t.statement;
  switch (statement.type) {
    case 'coop.founded':
      return s.founded(statement.body.name);
    case 'notice':
      return firstLine(statement.body.text);
    case 'member.admitted':
      return s.admitted(statement.body.name, statement.body.handle);
    case 'member.left':
      return s.left(statement.body.handle);
    case 'member.removed':
      return s.removed(statement.body.handle, firstLine(statement.body.reason));
    case 'key.added':
      return s.keyAdded(statement.body.handle, keyKindName(statement.body.key, t));
    case 'key.revoked': {
      const { handle, key } = statement.body;
      const kind = keyKindOfId(key);
      const kindName = kind && t.statement.keyKinds[kind];
      const actor = statement.actor.slice('member:'.length);
      return actor === handle
        ? s.keyRevoked(handle, kindName)
        : s.keyRevokedBy(actor, handle, kindName);
    }
    case 'policy.set':
      return s.policySet;
    case 'service.created':
      return s.serviceCreated(statement.body.name, statement.body.slug);
    case 'service.updated':
      return s.serviceUpdated(statement.body.slug, changedFields(statement.body, 'slug', t));
    case 'steward.assigned':
      return statement.body.role === 'steward'
        ? s.stewardAssigned(statement.body.handle, statement.body.service)
        : s.deputyAssigned(statement.body.handle, statement.body.service);
    case 'steward.handed-over':
      return s.handedOver(statement.body.from, statement.body.service, statement.body.to);
    case 'steward.resigned':
      return s.resigned(statement.body.handle, statement.body.service);
    case 'steward.away':
      if (!statement.body.away) return s.back(statement.body.handle);
      return statement.body.until
        ? s.awayUntil(statement.body.handle, statement.body.until)
        : s.away(statement.body.handle);
    case 'host.added':
      return s.hostAdded(statement.body.name, statement.body.provider, statement.body.location);
    case 'host.updated':
      return s.hostUpdated(statement.body.name, changedFields(statement.body, 'name', t));
    case 'ticket.opened':
      return s.ticketOpened(
        statement.body.ticket,
        statement.body.title === undefined ? undefined : firstLine(statement.body.title),
      );
    case 'ticket.closed':
      return s.ticketClosed(statement.body.ticket, statement.body.resolution);
    case 'access.requested': {
      const { host, login, minutes } = statement.body;
      return s.accessRequested(statement.actor.slice('member:'.length), host, login, minutes);
    }
    case 'access.approved':
      return s.accessApproved(statement.actor.slice('member:'.length), statement.body.request);
    case 'access.denied':
      return s.accessDenied(statement.actor.slice('member:'.length), statement.body.request);
    case 'access.withdrawn':
      return s.accessWithdrawn(statement.actor.slice('member:'.length), statement.body.request);
    case 'access.expired':
      return s.accessExpired(statement.body.request);
    case 'ca.created':
      return s.caCreated;
    case 'cert.issued':
      return s.certIssued(statement.body.serial, statement.body.request, statement.body.principal);
    case 'cert.revoked':
      return s.certRevoked(
        statement.body.serial,
        statement.body.request,
        s.revocationReasons[statement.body.reason],
      );
    case 'host.enrolled':
      return s.hostEnrolled(statement.body.host, statement.body.logins.join(', '));
    case 'host.attested':
      return s.hostAttested(
        statement.body.host,
        statement.body.changed.length,
        statement.body.unexplained,
      );
    case 'session.started':
      return s.sessionStarted(
        statement.body.principal,
        statement.body.host,
        t.sessions.kinds[statement.body.kind],
      );
    case 'session.chunk':
      return s.sessionChunk(
        statement.body.chunk,
        t.sessions.bytes(String(statement.body.inputBytes), String(statement.body.outputBytes)),
      );
    case 'session.ended': {
      const reason = t.sessions.reasons[statement.body.reason];
      return s.sessionEnded(
        statement.body.by ? t.sessions.endedBy(reason, statement.body.by) : reason,
      );
    }
    case 'session.refused':
      return s.sessionRefused(
        statement.body.principal,
        statement.body.host,
        firstLine(statement.body.reason),
      );
  }
}

/** The first line of a text that people wrote, short enough for a list. */
function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}

function changedFields(body: object, identity: string, t: Messages): string {
  const fields = t.statement.fields;
  return Object.keys(body)
    .filter((key) => key !== identity)
    .map((key) => (key in fields ? fields[key as UpdatableField] : key))
    .join(', ');
}

/**
 * The kind of key an ID names, as the rules make IDs (`keyIdOf` in packages/rules): an SSH key's
 * fingerprint, `passkey:` and the credential ID, or an age recipient.
 */
function keyKindOfId(id: string): MemberKey['kind'] | undefined {
  if (id.startsWith('SHA256:')) return 'ssh';
  if (id.startsWith('passkey:')) return 'passkey';
  if (id.startsWith('age1')) return 'age';
  return undefined;
}

export function keyKindName(key: MemberKey, t: Messages): string {
  return t.statement.keyKinds[key.kind];
}

export function actorName(actor: string, t: Messages): string {
  return actor === 'coop' ? t.statement.coopActor : actor;
}
