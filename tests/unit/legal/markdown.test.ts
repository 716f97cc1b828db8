/** The Markdown subset of legal/*.md, rendered for /privacy and /terms. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../common/policy-document.ts';
import { fillFacts, renderMarkdown } from '../../../web/src/legal/markdown.ts';

describe('renderMarkdown', () => {
  it('renders headings (## as h2: the page title is the h1), paragraphs, lists, bold, code and site links', () => {
    const html = renderMarkdown('## Your rights\n\nSee **this** and `that`,\nacross lines.\n\n- one\n- [two](/account#data)\n  continued\n');
    expect(html).toBe(
      '<h2 id="your-rights">Your rights</h2>\n<p>See <strong>this</strong> and <code>that</code>, across lines.</p>\n<ul><li>one</li><li><a href="/account#data">two</a> continued</li></ul>',
    );
  });

  it('renders a definition list whose terms are separated by blank lines', () => {
    expect(renderMarkdown('Logs\n: 30 days\n\nSessions\n: until sign-out\n\nAfter.')).toBe(
      '<dl><dt>Logs</dt><dd>30 days</dd><dt>Sessions</dt><dd>until sign-out</dd></dl>\n<p>After.</p>',
    );
  });

  it('lets no markup or script through: HTML is escaped, and only site and https links become links', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> [x](javascript:alert(1)) [y](//evil.example) [z](https://ok.example)');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img');
    expect(html).not.toMatch(/href="(javascript|\/\/)/);
    expect(html).toContain('<a href="https://ok.example">z</a>');
  });

  it('renders both real documents, with the privacy policy’s figures filled in', () => {
    for (const name of ['privacy', 'terms']) {
      const { body } = parsePolicy(readFileSync(new URL(`../../../legal/${name}.md`, import.meta.url), 'utf8'));
      const html = fillFacts(
        renderMarkdown(body),
        { logRetentionDays: { text: '17 days', testId: 'log-retention' }, sessionDays: { text: '30 days', testId: 'session-days' } },
        'a number of days',
      );
      expect(html).not.toMatch(/\{\{|\*\*|\]\(/);
      expect(html).toContain('<h2');
      if (name === 'privacy') expect(html).toContain('<strong><span data-testid="log-retention">17 days</span></strong>');
    }
  });

  it('says the fallback words where the server gave no figure (offline)', () => {
    expect(fillFacts('<p>{{logRetentionDays}}</p>', {}, 'a number of days set on the server')).toBe('<p>a number of days set on the server</p>');
  });
});
