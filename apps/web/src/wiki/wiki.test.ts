import { describe, expect, it } from 'vitest';
import { attachmentName } from './attach-form.tsx';
import { hunkLines } from './wiki-diff-page.tsx';
import { leadingTitle, withoutLeadingTitle } from './wiki-html.tsx';
import { isWritablePath } from './wiki-index-page.tsx';

describe('the leading title', () => {
  it('is cut off the HTML and read as text', () => {
    const html = '<h1>Backups &amp; <em>restores</em></h1>\n<p>Nightly.</p>';
    expect(withoutLeadingTitle(html)).toBe('<p>Nightly.</p>');
    expect(leadingTitle(html)).toBe('Backups & restores');
  });

  it('stays where the HTML does not start with one', () => {
    const html = '<p>Intro</p>\n<h1>Later</h1>';
    expect(withoutLeadingTitle(html)).toBe(html);
    expect(leadingTitle(html)).toBeUndefined();
  });
});

describe('hunkLines', () => {
  it('splits a hunk into its lines without an empty last one', () => {
    expect(hunkLines('a\nb\n')).toEqual(['a', 'b']);
    expect(hunkLines('a')).toEqual(['a']);
    expect(hunkLines('\n')).toEqual(['']);
  });
});

describe('isWritablePath', () => {
  it('refuses generated pages and the API’s reserved segments', () => {
    expect(isWritablePath('guides/backup')).toBe(true);
    expect(isWritablePath('generated/services')).toBe(false);
    expect(isWritablePath('a/revisions')).toBe(false);
  });
});

describe('attachmentName', () => {
  it('makes a file’s name into a name the wiki accepts', () => {
    expect(attachmentName('Backup plan (2026).txt')).toBe('Backup-plan-2026-.txt');
    expect(attachmentName('Übersicht.png')).toBe('Ubersicht.png');
    expect(attachmentName('../../etc/passwd')).toBe('..-..-etc-passwd');
  });
});
