import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.tsx';

describe('matchRoute', () => {
  it('shows the cooperative at / and the log at /log', () => {
    expect(matchRoute('/')).toEqual({ page: 'home' });
    expect(matchRoute('/log')).toEqual({ page: 'log' });
    expect(matchRoute('/log/')).toEqual({ page: 'log' });
  });

  it('reads the index of an entry page', () => {
    expect(matchRoute('/log/entries/0')).toEqual({ page: 'entry', index: 0 });
    expect(matchRoute('/log/entries/42/')).toEqual({ page: 'entry', index: 42 });
  });

  it('reads handles, slugs, proposal digests and invitation codes', () => {
    expect(matchRoute('/members/ada')).toEqual({ page: 'member', handle: 'ada' });
    expect(matchRoute('/services/mail-2')).toEqual({ page: 'service', slug: 'mail-2' });
    const id = 'ab'.repeat(32);
    expect(matchRoute(`/proposals/${id}`)).toEqual({ page: 'proposal', id });
    expect(matchRoute('/join/Xy_9-abcdEFGH')).toEqual({ page: 'join', code: 'Xy_9-abcdEFGH' });
    for (const page of ['login', 'account', 'members', 'invitations', 'proposals', 'services']) {
      expect(matchRoute(`/${page}`)).toEqual({ page });
    }
    expect(matchRoute('/hosts')).toEqual({ page: 'hosts' });
    expect(matchRoute('/policies/')).toEqual({ page: 'policies' });
  });

  it('reads the help desk and its tickets', () => {
    expect(matchRoute('/desk')).toEqual({ page: 'desk' });
    expect(matchRoute('/desk/new')).toEqual({ page: 'desk-new' });
    expect(matchRoute('/desk/17')).toEqual({ page: 'ticket', id: 17 });
    const code = 'Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4';
    expect(matchRoute(`/desk/confirm/${code}`)).toEqual({ page: 'desk-confirm', code });
  });

  it('reads access requests by their log index', () => {
    expect(matchRoute('/access')).toEqual({ page: 'access' });
    expect(matchRoute('/access/42')).toEqual({ page: 'access-request', id: 42 });
    expect(matchRoute('/access/0')).toEqual({ page: 'not-found' });
    expect(matchRoute('/access/x1')).toEqual({ page: 'not-found' });
  });

  it('reads wiki pages and their views after /-/', () => {
    expect(matchRoute('/wiki')).toEqual({ page: 'wiki' });
    expect(matchRoute('/wiki/services/mail')).toEqual({ page: 'wiki-page', path: 'services/mail' });
    expect(matchRoute('/wiki/a/-/edit')).toEqual({ page: 'wiki-edit', path: 'a' });
    expect(matchRoute('/wiki/a/b/-/history')).toEqual({ page: 'wiki-history', path: 'a/b' });
    expect(matchRoute('/wiki/a/-/revisions/3')).toEqual({
      page: 'wiki-revision',
      path: 'a',
      revision: 3,
    });
    expect(matchRoute('/wiki/a/-/diff/0..2')).toEqual({
      page: 'wiki-diff',
      path: 'a',
      from: 0,
      to: 2,
    });
  });

  it('sends everything else to the not-found page', () => {
    for (const path of [
      '/logs',
      '/log/entries/',
      '/log/entries/01',
      '/log/entries/-1',
      '/log/entries/1.5',
      '/log/entries/99999999999999999',
      '/log/entries/3/x',
      '/members/Ada',
      '/members/-ada',
      '/members/ada/keys',
      '/proposals/1234',
      '/proposals/' + 'AB'.repeat(32),
      '/join/short',
      '/join/with%20space',
      '/desk/0',
      '/desk/ticket',
      '/desk/confirm/short',
      '/desk/confirm/not+a+code+at+all+ok+ok',
      '/wiki/Big',
      '/wiki/a//b',
      '/wiki/a/-/delete',
      '/wiki/a/-/revisions/0',
      '/wiki/a/-/diff/1',
      '/toString',
      '/constructor',
    ]) {
      expect(matchRoute(path), path).toEqual({ page: 'not-found' });
    }
  });
});
