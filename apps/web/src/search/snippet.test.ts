import { describe, expect, it } from 'vitest';
import { snippetParts } from './snippet.ts';

describe('snippetParts', () => {
  it('turns marks into hits and entities back into text, never into markup', () => {
    expect(snippetParts('a &lt;script&gt; <mark>x</mark> &amp;amp; &quot;b&#39;')).toEqual([
      { text: 'a <script> ', hit: false },
      { text: 'x', hit: true },
      { text: ' &amp; "b\'', hit: false },
    ]);
  });
});
