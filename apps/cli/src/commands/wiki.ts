import {
  ErrorBody,
  WIKI_MAX_MARKDOWN_BYTES,
  WikiConflictBody,
  WikiPage,
  WikiPath,
  WikiRevision,
  WikiRevisionList,
} from '@allmende/protocol';
import { ApiError } from '../api-client.ts';
import {
  badInput,
  CliError,
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  SERVER,
  shown,
} from '../cli.ts';
import { connect, requireLogin, type Connection } from '../connection.ts';
import { readInput } from '../input.ts';

// The wiki from the command line: read a page's Markdown, save a file as its next revision,
// list its history. A save names the revision it was based on, so an edit that crossed
// someone else's is refused by the server and nothing is overwritten.

export const WIKI_COMMANDS: Record<string, Command> = {
  'wiki get': {
    synopsis: 'wiki get PATH [--revision N] [--html] [--server URL]',
    summary: "print a wiki page's Markdown (or its HTML), now or at a revision",
    options: { ...SERVER, revision: { type: 'string' }, html: { type: 'boolean' } },
    args: 1,
    async run(values, [path = '']) {
      const page = wikiPath(path);
      const { api } = await connect(values);
      const revision = optional(values, 'revision');
      const shownPage =
        revision === undefined
          ? await api.get(`/api/wiki/pages/${page}`, WikiPage)
          : await api.get(
              `/api/wiki/pages/${page}/revisions/${revisionNumber(revision)}`,
              WikiRevision,
            );
      const text = flag(values, 'html') ? shownPage.html : shownPage.markdown;
      // On standard error, so that `wiki get P > file` keeps only the text: the revision to
      // name with `wiki put P file --base N`.
      console.error(`${page} revision ${shownPage.revision}`);
      process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
      return 0;
    },
  },
  'wiki put': {
    synopsis: 'wiki put PATH FILE|- [--message M] [--base N] [--server URL] [--json]',
    summary:
      "save a file (or standard input) as a wiki page's next revision, based on the current one or on --base N (the revision you edited: if the page moved on since, nothing is saved)",
    options: { ...SERVER, ...JSON_OUTPUT, message: { type: 'string' }, base: { type: 'string' } },
    args: 2,
    async run(values, [path = '', file = '']) {
      const page = wikiPath(path);
      const markdown = await readInput(file, WIKI_MAX_MARKDOWN_BYTES);
      const connection = await connect(values);
      requireLogin(connection);
      const given = optional(values, 'base');
      let base = given === undefined ? 0 : given === '0' ? 0 : revisionNumber(given, 'base');
      if (given === undefined) {
        try {
          base = (await connection.api.get(`/api/wiki/pages/${page}`, WikiPage)).revision;
        } catch (error) {
          if (!(error instanceof ApiError && error.apiCode === 'WIKI_PAGE_NOT_FOUND')) throw error;
        }
      }
      const saved = await savePage(connection, page, {
        markdown,
        message: optional(values, 'message') ?? '',
        baseRevision: base,
      });
      if (flag(values, 'json')) printJson(saved);
      else console.log(shown(`Saved ${saved.path} as revision ${saved.revision}.`));
      return 0;
    },
  },
  'wiki history': {
    synopsis: 'wiki history PATH [--server URL] [--json]',
    summary: "a wiki page's revisions: who saved what, when",
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [path = '']) {
      const page = wikiPath(path);
      const { api } = await connect(values);
      const { revisions } = await api.get(`/api/wiki/pages/${page}/revisions`, WikiRevisionList);
      return printList(
        values,
        revisions,
        ['REVISION', 'AUTHOR', 'TIME', 'SIZE', 'MESSAGE'],
        (r) => [String(r.revision), r.author, r.createdAt, String(r.size), r.message],
      );
    },
  },
};

function wikiPath(text: string): string {
  const parsed = WikiPath.safeParse(text);
  if (!parsed.success) {
    throw badInput(
      `${JSON.stringify(text)} is not a wiki path: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  return parsed.data;
}

function revisionNumber(text: string, option = 'revision'): number {
  if (!/^[1-9][0-9]{0,8}$/.test(text)) {
    throw badInput(`--${option} ${text}: a revision is a number from 1`);
  }
  return Number(text);
}

/**
 * PUT /api/wiki/pages/{path}. The CLI's API client speaks GET, POST and DELETE; a save also
 * needs the body of a 409, which carries the revision that is current now.
 * @throws {CliError} CLI_SERVER_REFUSED with what to do on a conflict
 */
async function savePage(
  connection: Connection,
  path: string,
  save: { markdown: string; message: string; baseRevision: number },
): Promise<WikiPage> {
  const url = new URL(`/api/wiki/pages/${path}`, connection.server);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'PUT',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${requireLogin(connection).token}`,
      },
      body: JSON.stringify(save),
      redirect: 'error',
    });
  } catch (error) {
    throw new CliError(
      'CLI_NETWORK',
      `cannot reach ${connection.server}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await response.text()) as unknown;
  } catch {
    value = undefined;
  }
  if (response.status === 409) {
    const conflict = WikiConflictBody.safeParse(value);
    if (conflict.success) {
      const { revision, author } = conflict.data.current;
      throw new ApiError(
        409,
        shown(
          `${path} changed while you edited it: revision ${revision}${author ? ` by ${author}` : ''} is current, not ${save.baseRevision}. Nothing was saved; get it with allmende wiki get ${path}, merge your changes, and put again.`,
        ),
        'WIKI_CONFLICT',
      );
    }
  }
  if (!response.ok) {
    const error = ErrorBody.safeParse(value);
    if (!error.success) {
      throw new ApiError(
        response.status,
        `${connection.server} answered ${response.status} to PUT ${url.pathname}`,
      );
    }
    const { code, message } = error.data.error;
    throw new ApiError(response.status, `${shown(message)} (${response.status}, ${code})`, code);
  }
  const page = WikiPage.safeParse(value);
  if (!page.success) {
    throw new CliError(
      'CLI_BAD_REPLY',
      `${connection.server} gave an unexpected answer to PUT ${url.pathname}`,
    );
  }
  return page.data;
}
