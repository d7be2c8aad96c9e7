import { statSync } from 'node:fs';
import {
  MAX_TICKET_BODY_BYTES,
  Ticket,
  TicketList,
  TicketPriority,
  Timeline,
  TimelineItem,
  type TicketStatus,
} from '@allmende/protocol';
import { segment } from '../api-client.ts';
import {
  badInput,
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  repeated,
  required,
  SERVER,
  shown,
} from '../cli.ts';
import { connect, requireLogin } from '../connection.ts';
import { readInput } from '../input.ts';

export const TICKET_COMMANDS: Record<string, Command> = {
  'ticket new': {
    synopsis:
      'ticket new --title T [--service S] [--private] [--priority low|normal|high|urgent] [--label L]… [FILE|-|--body B] [--server URL] [--json]',
    summary: 'open a ticket at the help desk; its text is Markdown, from a file, - or --body',
    options: {
      ...SERVER,
      ...JSON_OUTPUT,
      title: { type: 'string' },
      service: { type: 'string' },
      private: { type: 'boolean' },
      priority: { type: 'string' },
      label: { type: 'string', multiple: true },
      body: { type: 'string' },
    },
    args: [0, 1],
    async run(values, [file]) {
      const inline = optional(values, 'body');
      if (inline !== undefined && file !== undefined) {
        throw badInput('give the text either as --body or as FILE (or -), not both');
      }
      const priority = optional(values, 'priority');
      if (priority !== undefined && !TicketPriority.safeParse(priority).success) {
        throw badInput(`--priority ${priority}: one of ${TicketPriority.options.join(', ')}`);
      }
      const body = inline ?? (file === undefined ? '' : await readBody(file));
      const connection = await connect(values);
      requireLogin(connection);
      const service = optional(values, 'service');
      const ticket = await connection.api.post(
        '/api/tickets',
        {
          title: required(values, 'title').normalize('NFC'),
          body: body.normalize('NFC'),
          ...(service !== undefined && { service }),
          private: flag(values, 'private'),
          ...(priority !== undefined && { priority }),
          labels: repeated(values, 'label'),
        },
        Ticket,
      );
      if (flag(values, 'json')) printJson(ticket);
      else {
        console.log(
          shown(
            `Ticket #${ticket.id} opened${ticket.private ? ' (private)' : ''}; ${ticket.assignee ? `${ticket.assignee} answers it` : 'it waits in the unassigned queue'}. Log entry ${ticket.openedIndex}.`,
          ),
        );
      }
      return 0;
    },
  },
  'ticket list': {
    synopsis:
      'ticket list [--mine|--queue|--service S|--unassigned|--assignee H] [--status S] [--limit N] [--server URL] [--json]',
    summary: 'tickets, newest first: yours, your services’ queue, a service’s, or nobody’s',
    options: {
      ...SERVER,
      ...JSON_OUTPUT,
      mine: { type: 'boolean' },
      queue: { type: 'boolean' },
      unassigned: { type: 'boolean' },
      service: { type: 'string' },
      assignee: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
    },
    args: 0,
    async run(values) {
      const query = new URLSearchParams();
      for (const name of ['mine', 'queue', 'unassigned'])
        if (flag(values, name)) query.set(name, '1');
      for (const name of ['service', 'assignee', 'status', 'limit']) {
        const value = optional(values, name);
        if (value !== undefined) query.set(name, value);
      }
      const connection = await connect(values);
      if (flag(values, 'mine') || flag(values, 'queue')) requireLogin(connection);
      const { tickets } = await connection.api.get(`/api/tickets?${query}`, TicketList);
      return printList(
        values,
        tickets,
        ['ID', 'STATUS', 'PRIORITY', 'SERVICE', 'ASSIGNEE', 'TITLE'],
        (t) => [
          `#${t.id}`,
          t.status,
          t.priority,
          t.service ?? '-',
          t.assignee ?? '(nobody)',
          t.title ?? '(private)',
        ],
      );
    },
  },
  'ticket show': {
    synopsis: 'ticket show ID [--server URL] [--json]',
    summary: 'a ticket with its comments and events',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [id = '']) {
      const number = ticketId(id);
      const { api } = await connect(values);
      const ticket = await api.get(`/api/tickets/${number}`, Ticket);
      const { items } = await api.get(`/api/tickets/${number}/timeline`, Timeline);
      if (flag(values, 'json')) {
        printJson({ ...ticket, timeline: items });
        return 0;
      }
      const lines = [
        `#${ticket.id}  ${ticket.title ?? '(private)'}`,
        `status:    ${ticket.status}${ticket.private ? ' (private)' : ''}`,
        `priority:  ${ticket.priority}`,
        `service:   ${ticket.service ?? '(none)'}`,
        `assignee:  ${ticket.assignee ?? '(nobody)'}${ticket.taken ? ' (taken)' : ''}`,
        ...(ticket.requester !== null ? [`requester: ${ticket.requester}`] : []),
        ...(ticket.labels?.length ? [`labels:    ${ticket.labels.join(', ')}`] : []),
        `opened:    ${ticket.createdAt} (log entry ${ticket.openedIndex})`,
        ...(ticket.body ? ['', ticket.body] : []),
        ...items.flatMap((item) => ['', ...describeItem(item)]),
      ];
      console.log(lines.map(shown).join('\n'));
      return 0;
    },
  },
  'ticket comment': {
    synopsis: 'ticket comment ID [--private] BODY|FILE|- [--server URL] [--json]',
    summary: 'answer a ticket; the text is the argument, or a file, or standard input for -',
    options: { ...SERVER, ...JSON_OUTPUT, private: { type: 'boolean' } },
    args: 2,
    async run(values, [id = '', text = '']) {
      const number = ticketId(id);
      const body = text === '-' || isFile(text) ? await readBody(text) : text;
      const connection = await connect(values);
      requireLogin(connection);
      const item = await connection.api.post(
        `/api/tickets/${number}/comments`,
        { body: body.normalize('NFC'), private: flag(values, 'private') },
        TimelineItem,
      );
      if (flag(values, 'json')) printJson(item);
      else
        console.log(
          `Comment added to ticket #${number}${flag(values, 'private') ? ' (private)' : ''}.`,
        );
      return 0;
    },
  },
  'ticket close': {
    synopsis: 'ticket close ID [--resolved] [--server URL] [--json]',
    summary: 'close a ticket; --resolved says it was solved',
    options: { ...SERVER, ...JSON_OUTPUT, resolved: { type: 'boolean' } },
    args: 1,
    async run(values, [id = '']) {
      const number = ticketId(id);
      const status: TicketStatus = flag(values, 'resolved') ? 'resolved' : 'closed';
      const connection = await connect(values);
      requireLogin(connection);
      const ticket = await connection.api.patch(
        `/api/tickets/${segment(String(number))}`,
        { status },
        Ticket,
      );
      if (flag(values, 'json')) printJson(ticket);
      else {
        console.log(
          `Ticket #${ticket.id} is ${ticket.status}${ticket.closedIndex !== null ? ` (log entry ${ticket.closedIndex})` : ''}.`,
        );
      }
      return 0;
    },
  },
};

function ticketId(text: string): number {
  const id = /^#?([1-9][0-9]{0,14})$/.exec(text)?.[1];
  if (id === undefined) throw badInput(`${JSON.stringify(text)} is not a ticket number`);
  return Number(id);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A ticket's or comment's text from a file or standard input, within the desk's limit. */
function readBody(path: string): Promise<string> {
  return readInput(path, MAX_TICKET_BODY_BYTES);
}

function describeItem(item: TimelineItem): string[] {
  if (item.kind === 'comment') {
    const who = item.author ?? 'someone';
    const head = `— ${who}, ${item.at}${item.private ? ' (private)' : ''}`;
    return item.redacted ? [`${head}: (private comment)`] : [head, item.body ?? ''];
  }
  const who = item.actor ?? 'someone';
  const change = item.redacted ? 'changed' : `${item.from ?? '-'} → ${item.to ?? '-'}`;
  return [`· ${who} ${item.field}: ${change} (${item.at})`];
}
