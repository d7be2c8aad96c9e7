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
      '/toString',
      '/constructor',
    ]) {
      expect(matchRoute(path), path).toEqual({ page: 'not-found' });
    }
  });
});
