import { describe, expect, it } from 'vitest';
import { chooseLocale } from './locale.ts';
import { de } from './de.ts';
import { en } from './en.ts';

describe('chooseLocale', () => {
  it('follows the first language of the browser that the app speaks', () => {
    expect(chooseLocale(null, ['fr-FR', 'de-AT', 'en-US'])).toBe('de');
    expect(chooseLocale(null, ['EN-gb', 'de'])).toBe('en');
  });

  it('keeps a language the member chose', () => {
    expect(chooseLocale('en', ['de-DE'])).toBe('en');
  });

  it('ignores a stored value it does not know and falls back to English', () => {
    expect(chooseLocale('xx', ['fr'])).toBe('en');
    expect(chooseLocale(null, [])).toBe('en');
  });
});

describe('the catalogues', () => {
  it('have the same keys in both languages', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [prefix + k],
      );
    expect(keys(de).sort()).toEqual(keys(en).sort());
  });
});
