import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.tsx';

describe('matchRoute', () => {
  it('shows the log at / and /log', () => {
    expect(matchRoute('/')).toEqual({ page: 'log' });
    expect(matchRoute('/log')).toEqual({ page: 'log' });
    expect(matchRoute('/log/')).toEqual({ page: 'log' });
  });

  it('reads the index of an entry page', () => {
    expect(matchRoute('/log/entries/0')).toEqual({ page: 'entry', index: 0 });
    expect(matchRoute('/log/entries/42/')).toEqual({ page: 'entry', index: 42 });
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
    ]) {
      expect(matchRoute(path), path).toEqual({ page: 'not-found' });
    }
  });
});
