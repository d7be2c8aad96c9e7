import { MAX_TICKET_BODY_BYTES } from '@allmende/protocol';
import { describe, expect, it } from 'vitest';
import { REPLY_ABOVE, boundedBody, cleanText, replyText, titleOf } from './mail-text.ts';

describe('a mail’s text as the desk keeps it', () => {
  it('keeps only the new part of an answer', () => {
    expect(replyText('Danke!\n\nOn Tue, 1 Dec 2026, Bo wrote:\n> Fixed.\n> Bo')).toBe('Danke!');
    expect(replyText('Danke!\r\n\r\nAm 01.12.2026 um 09:00 schrieb Bo <bo@x>:\r\n> Ok')).toBe(
      'Danke!',
    );
    expect(replyText(`Passt.\n\n${REPLY_ABOVE}\nTicket #4 …`)).toBe('Passt.');
    expect(replyText('Top\n-----Original Message-----\nFrom: desk')).toBe('Top');
    expect(replyText('Answer\n> quoted\n>\n> more')).toBe('Answer');
    // A line that merely mentions writing is the answer, not its end.
    expect(replyText('On Monday Bo wrote: the fix works\nthanks')).toBe(
      'On Monday Bo wrote: the fix works\nthanks',
    );
    // An answer that is all quote keeps its text rather than becoming empty.
    expect(replyText('> only a quote')).toBe('> only a quote');
  });

  it('accepts only what the desk’s schemas accept', () => {
    expect(cleanText('a\u0000b\r\nc\u001bd\te')).toBe('ab\ncd\te');
    expect(cleanText('e\u0301')).toBe('é');
    expect(titleOf('  Re:\tDrucker\r\n kaputt ')).toBe('Re: Drucker kaputt');
    expect(titleOf('\u0000')).toBe('(no subject)');
    expect([...titleOf('ä'.repeat(500))]).toHaveLength(200);
  });

  it('bounds a long body at a character boundary, and says so', () => {
    const body = boundedBody('€'.repeat(MAX_TICKET_BODY_BYTES), ['[Left out: big.iso]']);
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(MAX_TICKET_BODY_BYTES);
    expect(body).not.toContain('\uFFFD');
    expect(body).toMatch(/whole mail is kept[\s\S]*\[Left out: big\.iso\]$/);
    expect(boundedBody('short', [])).toBe('short');
  });
});
