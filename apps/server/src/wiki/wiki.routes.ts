import {
  ErrorBody,
  WikiAttachment,
  WikiConflictBody,
  WikiDiff,
  WikiPage,
  WikiPageList,
  WikiPreview,
  WikiPreviewRequest,
  WikiRestore,
  WikiRevision,
  WikiRevisionList,
  WikiSave,
  WIKI_MAX_ATTACHMENT_BYTES,
  WIKI_MAX_MARKDOWN_BYTES,
} from '@allmende/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { sendFile } from '../http/file-reply.ts';
import { RESERVED_SEGMENTS, WikiConflict, checkPath, type WikiService } from './wiki.service.ts';

/** Who is asking: the signed-in member, or UNAUTHORIZED (auth/ answers it). */
export type WikiAuth = { requireMember(request: FastifyRequest): Promise<string> };

/**
 * A page's path has slashes, so the routes take the rest of the URL and split it here. The
 * segments in RESERVED_SEGMENTS are never part of a page's path, which keeps this unambiguous:
 * `a/b` is a page, `a/b/revisions/3` its third revision, `a/b/attachments/x.png` a file.
 */
export type WikiTarget =
  | { path: string; kind: 'page' | 'revisions' | 'diff' | 'restore' | 'attachments' }
  | { path: string; kind: 'revision'; revision: number }
  | { path: string; kind: 'attachment'; name: string };

/** @throws AppError WIKI_BAD_PATH for anything that is not a page or one of its parts */
export function parseTarget(tail: string): WikiTarget {
  const segments = tail.split('/');
  const at = segments.findIndex((s) => (RESERVED_SEGMENTS as readonly string[]).includes(s));
  const path = (at === -1 ? segments : segments.slice(0, at)).join('/');
  checkPath(path);
  if (at === -1) return { path, kind: 'page' };
  const [kind, arg, ...rest] = segments.slice(at);
  if (rest.length === 0) {
    switch (kind) {
      case 'revisions':
        if (arg === undefined) return { path, kind };
        if (/^[1-9][0-9]{0,8}$/.test(arg)) return { path, kind: 'revision', revision: Number(arg) };
        break;
      case 'attachments':
        return arg === undefined ? { path, kind } : { path, kind: 'attachment', name: arg };
      case 'diff':
      case 'restore':
        if (arg === undefined) return { path, kind };
        break;
      default:
        break;
    }
  }
  throw new AppError('WIKI_BAD_PATH', `${tail.slice(0, 300)}: not a wiki page or one of its parts`);
}

const Tail = z.object({ '*': z.string().max(1000) });
const Query = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
});
const AttachmentList = z.object({ path: z.string(), attachments: z.array(WikiAttachment) });
const errors = { 400: ErrorBody, 404: ErrorBody };
const writeErrors = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  413: ErrorBody,
};

/** A JSON save may escape the text; leave room for that beyond the Markdown's own limit. */
const SAVE_BODY_LIMIT = 8 * WIKI_MAX_MARKDOWN_BYTES;
/** An upload: the file, plus some slack so that the service, not the parser, names the limit. */
const ATTACHMENT_BODY_LIMIT = WIKI_MAX_ATTACHMENT_BYTES + 1;

/** The wiki's API. Reads are public; writes need a signed-in member. */
export function wikiRoutes(app: FastifyInstance, wiki: WikiService, auth: WikiAuth): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['wiki'];
  // Writes check the member before the body is read: nobody anonymous uploads 10 MiB.
  const signedIn = async (request: FastifyRequest) => {
    await auth.requireMember(request);
  };

  api.get(
    '/api/wiki/pages',
    {
      schema: {
        summary: 'Wiki pages: path, title, last change (generated pages included)',
        tags,
        querystring: z.object({ prefix: z.string().max(200).optional() }),
        response: { 200: WikiPageList, ...errors },
      },
    },
    async (request) => ({ pages: await wiki.list(request.query.prefix) }),
  );

  api.get(
    '/api/wiki/pages/*',
    {
      schema: {
        summary: 'A wiki page, or one of its parts',
        description: [
          '`{path}`: the page, its HTML, backlinks and attachments.',
          '`{path}/revisions`: its revisions; `{path}/revisions/{n}`: one, with its text.',
          '`{path}/diff?from=a&to=b`: a line diff between two revisions (0: the empty page).',
          '`{path}/attachments`: its files; `{path}/attachments/{name}`: one file’s bytes',
          '(image types as themselves, anything else as a download).',
        ].join('\n'),
        tags,
        params: Tail,
        querystring: Query,
        response: {
          200: z.union([WikiPage, WikiRevision, WikiDiff, WikiRevisionList, AttachmentList]),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const target = parseTarget(request.params['*']);
      switch (target.kind) {
        case 'page':
          return wiki.page(target.path);
        case 'revisions':
          return { path: target.path, revisions: await wiki.revisions(target.path) };
        case 'revision':
          return wiki.revision(target.path, target.revision);
        case 'diff': {
          const { from, to } = request.query;
          if (from === undefined || to === undefined) {
            throw new AppError('BAD_REQUEST', 'a diff needs ?from=<revision>&to=<revision>');
          }
          return wiki.diff(target.path, from, to);
        }
        case 'attachments':
          return { path: target.path, attachments: await wiki.attachments(target.path) };
        case 'attachment':
          return sendFile(reply, await wiki.attachment(target.path, target.name));
        case 'restore':
          throw new AppError('BAD_REQUEST', 'restore a revision with POST');
      }
    },
  );

  api.put(
    '/api/wiki/pages/*',
    {
      bodyLimit: SAVE_BODY_LIMIT,
      onRequest: signedIn,
      schema: {
        summary: 'Save a new revision of a page, based on the revision you edited (0: new page)',
        description:
          'Answers 409 WIKI_CONFLICT with the current revision and text if the page moved on since `baseRevision`: nothing is overwritten.',
        tags,
        params: Tail,
        body: WikiSave,
        response: { 200: WikiPage, 409: WikiConflictBody, ...writeErrors },
      },
    },
    async (request, reply) => {
      const target = parseTarget(request.params['*']);
      if (target.kind !== 'page')
        throw new AppError('BAD_REQUEST', 'PUT saves a page: /api/wiki/pages/{path}');
      const author = await auth.requireMember(request);
      try {
        return await wiki.save(target.path, request.body, author);
      } catch (error) {
        if (error instanceof WikiConflict) return conflict(reply, error);
        throw error;
      }
    },
  );

  // Members only, like the saves it prepares: nobody else can save a page, and rendering up to
  // 512 KiB of Markdown is work that anonymous callers should not be able to ask for at will.
  // The member is checked before the body is read, as for saves.
  api.post(
    '/api/wiki/preview',
    {
      bodyLimit: SAVE_BODY_LIMIT,
      onRequest: signedIn,
      schema: {
        summary: 'Render Markdown as a page would show it, without saving anything',
        description:
          'The same renderer and sanitiser as a save, and the same size limit (413 WIKI_TOO_LARGE).',
        tags,
        body: WikiPreviewRequest,
        response: { 200: WikiPreview, ...writeErrors },
      },
    },
    async (request) => wiki.preview(request.body.markdown),
  );

  // Uploads are raw bytes of any type, up to 10 MiB: a parser for them, and a larger body limit,
  // only here, so that the rest of the API keeps parsing small JSON bodies only.
  void app.register(async (scoped) => {
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
      done(null, body);
    });
    scoped.withTypeProvider<ZodTypeProvider>().post(
      '/api/wiki/pages/*',
      {
        bodyLimit: ATTACHMENT_BODY_LIMIT,
        onRequest: signedIn,
        schema: {
          summary: 'Restore a revision, or attach a file to a page',
          description: [
            '`{path}/restore` with JSON `{revision, message?}`: a new revision with the old text.',
            '`{path}/attachments/{name}` with the file as the body and its Content-Type: attach',
            'it (at most 10 MiB; a name is never reused on a page).',
          ].join('\n'),
          tags,
          params: Tail,
          response: {
            200: WikiPage,
            201: WikiAttachment,
            409: z.union([WikiConflictBody, ErrorBody]),
            ...writeErrors,
          },
        },
      },
      async (request, reply) => {
        const target = parseTarget(request.params['*']);
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (target.kind === 'restore') {
          const author = await auth.requireMember(request);
          const restore = parseRestore(request.headers['content-type'], body);
          try {
            return await wiki.restore(target.path, restore.revision, restore.message, author);
          } catch (error) {
            if (error instanceof WikiConflict) return conflict(reply, error);
            throw error;
          }
        }
        if (target.kind === 'attachment') {
          const author = await auth.requireMember(request);
          const attachment = await wiki.attach(
            target.path,
            target.name,
            request.headers['content-type'],
            body,
            author,
          );
          return reply.status(201).send(attachment);
        }
        throw new AppError(
          'BAD_REQUEST',
          'POST restores (/restore) or attaches (/attachments/{name})',
        );
      },
    );
  });
}

function parseRestore(contentType: string | undefined, body: Buffer): WikiRestore {
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? '')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the restore as application/json');
  }
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('BAD_REQUEST', 'the body is not JSON');
  }
  const parsed = WikiRestore.safeParse(value);
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', `invalid body: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

function conflict(reply: FastifyReply, error: WikiConflict) {
  return reply.status(409).send({
    error: { code: error.code, message: error.message },
    current: error.current,
  });
}
