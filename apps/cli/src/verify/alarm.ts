import { MAX_TICKET_TITLE_CHARS, Ticket } from '@allmende/protocol';
import type { ApiClient } from '../api-client.ts';
import { shown } from '../cli.ts';
import type { Violation } from './rules-verifier.ts';

/**
 * Why `allmende verify --follow` raised the alarm: entries that break the rules, a checkpoint
 * inconsistent with one seen before (a fork or rewritten history), a log that failed another
 * check (a bad signature, tiles that do not hash to the checkpoint, an entry that is no
 * statement), or witnesses that have not cosigned any checkpoint for too long.
 */
export type AlarmKind = 'violation' | 'inconsistent' | 'log-check' | 'witnesses';

/** What an alarm says, as printed with --json and POSTed to --webhook. */
export type Alarm = {
  alarm: AlarmKind;
  /** For people: what is wrong, in one paragraph. */
  message: string;
  /** ISO 8601, when it was raised. */
  time: string;
  log: { url: string; origin: string };
  /** The last checkpoint verified in full and replayed, if any. */
  lastVerified: { size: number; rootHash: string } | null;
  /** For `violation`: each entry that breaks a rule, and which rule. */
  violations: Violation[];
};

const WEBHOOK_ATTEMPTS = 3;
const WEBHOOK_TIMEOUT_MS = 10_000;
const WEBHOOK_RETRY_MS = 1_000;

/**
 * POSTs the alarm as JSON to `url`, trying three times; a 2xx answer is delivery.
 * @returns undefined once delivered, else why not.
 */
export async function sendWebhook(
  url: string,
  alarm: Alarm,
  fetchImpl: typeof fetch = globalThis.fetch,
): Promise<string | undefined> {
  let problem = '';
  for (let attempt = 1; attempt <= WEBHOOK_ATTEMPTS; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, WEBHOOK_RETRY_MS));
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'allmende-verify' },
        body: JSON.stringify(alarm),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        redirect: 'error',
      });
      await response.body?.cancel();
      if (response.ok) return undefined;
      problem = `answered ${response.status}`;
    } catch (error) {
      const cause = (error as Error).cause;
      problem = cause instanceof Error ? cause.message : (error as Error).message;
    }
  }
  return `${problem} (${WEBHOOK_ATTEMPTS} attempts)`;
}

/**
 * Opens a public, urgent ticket about the alarm at the cooperative's help desk, as the member
 * logged in there, with no service: the log is everyone's, not one steward's, and a ticket
 * without a service waits in the queue that every member sees. It holds log indexes, rule
 * names and hashes, nothing private, so it is public like the log it is about.
 * @returns the ticket's number.
 * @throws {CliError} when the server refuses or cannot be reached.
 */
export async function openAlarmTicket(api: ApiClient, alarm: Alarm): Promise<number> {
  const title = `Log alarm (${alarm.alarm}): ${shown(alarm.log.origin)}`.slice(
    0,
    MAX_TICKET_TITLE_CHARS,
  );
  const lines = [
    `\`allmende verify --follow\` raised the alarm at ${alarm.time} for the log at ${alarm.log.url}.`,
    '',
    fenced(alarm.message),
  ];
  if (alarm.lastVerified !== null) {
    lines.push(
      '',
      `The last checkpoint verified in full: size ${alarm.lastVerified.size}, root hash ${alarm.lastVerified.rootHash}.`,
    );
  }
  if (alarm.violations.length > 0) {
    lines.push(
      '',
      'Entries that break the rules (index, type, rule, why):',
      '',
      fenced(
        alarm.violations.map((v) => `${v.index}  ${v.type}  ${v.rule}  ${v.message}`).join('\n'),
      ),
    );
  }
  const ticket = await api.post(
    '/api/tickets',
    {
      title,
      body: lines.join('\n').normalize('NFC').slice(0, 60_000),
      private: false,
      priority: 'urgent',
      labels: ['log-alarm'],
    },
    Ticket,
  );
  return ticket.id;
}

/** Text from the log in a code block, so that Markdown in it stays text. */
function fenced(text: string): string {
  const safe = text
    .split('\n')
    .map((line) => shown(line).replaceAll('`', "'"))
    .join('\n');
  return `\`\`\`\n${safe}\n\`\`\``;
}
