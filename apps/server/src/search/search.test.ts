import { describe, expect, it } from 'vitest';
import { highlight } from './search.service.ts';

describe('highlight', () => {
  it('escapes the text and turns the hit markers into <mark>', () => {
    expect(highlight('a <script>\u0002x\u0003</script> & "b" \'c\'')).toBe(
      'a &lt;script&gt;<mark>x</mark>&lt;/script&gt; &amp; &quot;b&quot; &#39;c&#39;',
    );
  });

  it('keeps the marks balanced when the text itself holds marker characters', () => {
    expect(highlight('\u0003a\u0002\u0002b')).toBe('a<mark>b</mark>');
    expect(highlight('\u0002a\u0003\u0003b')).toBe('<mark>a</mark>b');
  });
});
