import { MAX_TICKET_BODY_BYTES, MAX_TICKET_TITLE_CHARS } from '@allmende/protocol';

/**
 * Turning a mail's text into a ticket's: what the desk's schemas accept (NFC, no control
 * characters but tab and newline, bounded), and only the new part of an answer.
 */

/** The line every mail of the desk starts with; an answer's text ends above it. */
export const REPLY_ABOVE = '## Please write your answer above this line ##';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Text as the desk stores it: LF line ends, NFC, no control characters. */
export function cleanText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC').replace(CONTROL, '');
}

/** A ticket title from a subject: one line, at most the title's length, never empty. */
export function titleOf(subject: string): string {
  const line = cleanText(subject).replace(/\s+/g, ' ').trim();
  return [...line].slice(0, MAX_TICKET_TITLE_CHARS).join('') || '(no subject)';
}

/**
 * The new part of an answer: everything above our marker line, above the "On … wrote:" that
 * mail clients put before the quoted mail, and without the quoted lines at its end.
 */
export function replyText(text: string): string {
  const lines = cleanText(text).split('\n');
  const cut = lines.findIndex(
    (line, i) =>
      line.includes(REPLY_ABOVE) ||
      /^-{2,}\s*(Original Message|Ursprüngliche Nachricht)\s*-{2,}$/i.test(line.trim()) ||
      (isAttribution(line) && (lines[i + 1] === undefined || /^\s*(>|$)/.test(lines[i + 1]!))),
  );
  const kept = cut >= 0 ? lines.slice(0, cut) : lines;
  while (kept.length > 0 && /^\s*(>.*)?$/.test(kept.at(-1)!)) kept.pop();
  const reply = kept.join('\n').trim();
  return reply || cleanText(text).trim();
}

function isAttribution(line: string): boolean {
  const text = line.trim();
  return /^(On|Am) .{3,200}(wrote|schrieb[^:]*):$/.test(text);
}

/**
 * A body within the desk's limit, cut at a character boundary with a note when it was longer
 * (the whole mail is kept in the inbox).
 */
export function boundedBody(text: string, notes: readonly string[] = []): string {
  const tail = notes.length > 0 ? `\n\n${notes.join('\n')}` : '';
  const encoder = new TextEncoder();
  const bytes = encoder.encode(text);
  if (bytes.length + encoder.encode(tail).length <= MAX_TICKET_BODY_BYTES) return text + tail;
  const cutNote = '\n\n[The mail was longer; the whole mail is kept in the desk’s inbox.]';
  let end = MAX_TICKET_BODY_BYTES - encoder.encode(cutNote + tail).length;
  // Back off to the start of a UTF-8 sequence (continuation bytes are 0b10xxxxxx).
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end)) + cutNote + tail;
}
