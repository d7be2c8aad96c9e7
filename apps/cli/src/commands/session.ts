import { readFile } from 'node:fs/promises';
import { SessionInfo, SessionList, WatchMessage, type TranscriptRecord } from '@allmende/protocol';
import { ageIdentityIn, openTranscript } from '@allmende/protocol/open-transcript';
import WebSocket from 'ws';
import { segment } from '../api-client.ts';
import {
  badInput,
  CliError,
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  required,
  SERVER,
} from '../cli.ts';
import { connect, requireLogin } from '../connection.ts';

/** The largest sealed transcript read; 100 MB of output seals to about that much. */
const MAX_TRANSCRIPT_BYTES = 1024 * 1024 * 1024;

export const SESSION_COMMANDS: Record<string, Command> = {
  'session list': {
    synopsis: 'session list [--host H] [--state open|ended|all] [--server URL] [--json]',
    summary: 'guarded sessions on the hosts, newest first',
    options: { ...SERVER, ...JSON_OUTPUT, host: { type: 'string' }, state: { type: 'string' } },
    args: 0,
    async run(values) {
      const { api } = await connect(values);
      const query = new URLSearchParams({ state: optional(values, 'state') ?? 'all' });
      const host = optional(values, 'host');
      if (host) query.set('host', host);
      const { sessions } = await api.get(`/api/sessions?${query}`, SessionList);
      return printList(
        values,
        sessions,
        ['ID', 'HOST', 'LOGIN', 'KIND', 'STATE', 'STARTED', 'REQUESTER', 'END'],
        (s) => [
          s.id,
          s.host,
          s.principal,
          s.kind,
          s.state,
          s.startedAt,
          s.requester ?? '',
          s.endReason ? `${s.endReason}${s.endedBy ? ` (${s.endedBy})` : ''}` : '',
        ],
      );
    },
  },
  'session end': {
    synopsis: 'session end ID [--server URL] [--json]',
    summary: 'end a live session: the recorder ends the shell on the host',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [id = '']) {
      const { api } = await connect(values);
      const session = await api.post(`/api/sessions/${segment(id)}/end`, {}, SessionInfo);
      if (flag(values, 'json')) printJson(session);
      else console.log(`session ${session.id} ended`);
      return 0;
    },
  },
  'session watch': {
    synopsis: 'session watch ID [--server URL]',
    summary: 'watch a live session in this terminal (Ctrl-C stops watching; --end ends it)',
    options: { ...SERVER, end: { type: 'boolean' } },
    args: 1,
    async run(values, [id = '']) {
      const connection = await connect(values);
      const { token } = requireLogin(connection);
      const url = new URL(`/ws/sessions/${segment(id)}/watch`, connection.server);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
      return new Promise<number>((resolve, reject) => {
        socket.on('unexpected-response', (_request, response) =>
          reject(new CliError('CLI_SERVER_REFUSED', `the server refused: ${response.statusCode}`)),
        );
        socket.on('error', (error) =>
          reject(new CliError('CLI_NETWORK', `cannot watch: ${error.message}`)),
        );
        socket.on('open', () => {
          if (flag(values, 'end')) socket.send(JSON.stringify({ t: 'end' }));
        });
        socket.on('message', (data: Buffer, isBinary: boolean) => {
          if (isBinary) {
            process.stdout.write(data);
            return;
          }
          const message = WatchMessage.safeParse(safeJson(data.toString('utf8')));
          if (message.success && message.data.t === 'ended') {
            const by = message.data.by ? ` by ${message.data.by}` : '';
            process.stderr.write(
              `\r\nallmende: the session ended (${message.data.reason}${by})\r\n`,
            );
          }
        });
        socket.on('close', () => resolve(0));
        process.once('SIGINT', () => socket.close());
      });
    },
  },
  'session replay': {
    synopsis: 'session replay ID --identity FILE [--input] [--server URL]',
    summary:
      'open a sealed transcript with your age identity and print what the shell printed (--input: what was typed)',
    options: { ...SERVER, identity: { type: 'string' }, input: { type: 'boolean' } },
    args: 1,
    async run(values, [id = '']) {
      const connection = await connect(values);
      const { token } = requireLogin(connection);
      const identityPath = required(values, 'identity');
      const identity = ageIdentityIn(await readFile(identityPath, 'utf8').catch(() => ''));
      if (!identity)
        throw badInput(`${identityPath} holds no age identity (a line AGE-SECRET-KEY-…)`);
      const response = await fetch(
        new URL(`/api/sessions/${segment(id)}/transcript`, connection.server),
        {
          headers: { authorization: `Bearer ${token}` },
          redirect: 'error',
        },
      ).catch((error: unknown) => {
        throw new CliError('CLI_NETWORK', `cannot reach ${connection.server}: ${String(error)}`);
      });
      if (!response.ok) {
        throw new CliError(
          'CLI_SERVER_REFUSED',
          `the server answered ${response.status} for the transcript`,
        );
      }
      const sealed = new Uint8Array(await response.arrayBuffer());
      if (sealed.length > MAX_TRANSCRIPT_BYTES)
        throw new CliError('CLI_BAD_REPLY', 'the transcript is too large');
      let records: TranscriptRecord[];
      try {
        records = await openTranscript(sealed, identity);
      } catch (error) {
        throw new CliError(
          'CLI_BAD_REPLY',
          `the transcript does not open with this identity: ${(error as Error).message}`,
        );
      }
      const kind = flag(values, 'input') ? 'input' : 'output';
      for (const record of records) {
        if (record.kind === kind || (kind === 'output' && record.kind === 'error')) {
          process.stdout.write(record.data);
        }
      }
      return 0;
    },
  },
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
