import type { AddressObject, ParsedMail } from 'mailparser';

/**
 * A mail as the help desk takes it: who sent it, to which of our addresses, how it threads, its
 * text, its attachments within limits, whether a machine sent it, and its raw source — kept, so
 * that nothing is lost even when parsing gets something wrong.
 */
export type IncomingMail = {
  /** The envelope recipient it was delivered to (one of ours), lower case. */
  recipient: string;
  /** The envelope sender (MAIL FROM), lower case; empty for bounces. */
  envelopeFrom: string;
  /** The sender's address (From, else the envelope sender), lower case; empty for bounces. */
  from: string;
  fromName: string;
  subject: string;
  messageId: string | undefined;
  /** Message-IDs this mail answers, In-Reply-To first, then References newest first. */
  thread: string[];
  text: string;
  attachments: MailAttachment[];
  /** Attachments left out for their size or number, by file name. */
  droppedAttachments: string[];
  /** Why a machine sent it (auto-reply, bounce, list), or undefined for a person's mail. */
  automatic: string | undefined;
  raw: Uint8Array;
};

export type MailAttachment = { filename: string; contentType: string; content: Uint8Array };

export const ATTACHMENT_LIMITS = { each: 10 * 1024 * 1024, count: 20 } as const;

/**
 * Recognises mail that a machine sent, so that the desk never answers it (no mail loops): RFC
 * 3834 Auto-Submitted, the older Precedence and X-Autoreply conventions, Microsoft's
 * X-Auto-Response-Suppress, delivery reports (RFC 3464), and bounces with an empty sender.
 */
export function automaticReason(
  headers: ReadonlyMap<string, unknown>,
  envelopeFrom: string,
  contentType: string,
): string | undefined {
  const header = (name: string) => {
    const value = headers.get(name);
    return typeof value === 'string' ? value.toLowerCase().trim() : undefined;
  };
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  const precedence = header('precedence');
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) {
    return `Precedence: ${precedence}`;
  }
  for (const name of ['x-autoreply', 'x-autorespond', 'x-auto-response-suppress']) {
    if (header(name)) return name;
  }
  if (headers.has('list-id') || headers.has('list-unsubscribe')) return 'a mailing list';
  if (contentType.startsWith('multipart/report')) return 'a delivery report';
  if (envelopeFrom === '' || /^(mailer-daemon|postmaster)@/i.test(envelopeFrom)) {
    return 'a bounce';
  }
  return undefined;
}

/** The Message-IDs a mail answers, each with its angle brackets, In-Reply-To first. */
export function threadOf(mail: Pick<ParsedMail, 'inReplyTo' | 'references'>): string[] {
  const references = Array.isArray(mail.references)
    ? mail.references
    : mail.references
      ? mail.references.split(/\s+/)
      : [];
  const ids = [mail.inReplyTo ?? '', ...references.reverse()]
    .flatMap((value) => value.match(/<[^<>\s]{1,250}>/g) ?? [])
    .slice(0, 50);
  return [...new Set(ids)];
}

/**
 * The ticket a plus address names: `help+42@coop.example` → 42. Only the desk's own local part
 * counts, and only a plain decimal.
 */
export function ticketOfAddress(address: string, helpLocalPart: string): number | undefined {
  const local = address.toLowerCase().split('@')[0] ?? '';
  const match = new RegExp(`^${escapeRegExp(helpLocalPart)}\\+([1-9][0-9]{0,9})$`).exec(local);
  return match ? Number(match[1]) : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first address of a From header, lower case, and its display name. */
export function firstAddress(from: AddressObject | AddressObject[] | undefined): {
  address: string;
  name: string;
} {
  const list = Array.isArray(from) ? from : from ? [from] : [];
  const first = list.flatMap((a) => a.value)[0];
  return { address: (first?.address ?? '').toLowerCase(), name: first?.name ?? '' };
}
