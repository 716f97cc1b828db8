/**
 * Markdown → HTML for the two documents in legal/ (our own text, bundled at build time): the
 * subset they use, nothing more. Headings (#, ##, ###), paragraphs, `- ` lists, definition lists
 * (a term line, then `: ` lines), **bold**, `code` and [links](/path). Everything is escaped first,
 * so no HTML in a document reaches the page.
 */

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Only the site's own paths and https links; anything else stays plain text. */
function safeHref(href: string): string | null {
  return /^(\/(?!\/)|#|https:\/\/)/.test(href) ? href : null;
}

/** Inline markup of one escaped line. */
function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) => {
      const safe = safeHref(href.replace(/&amp;/g, '&'));
      return safe ? `<a href="${escapeHtml(safe)}">${label}</a>` : whole;
    });
}

/** A slug for a heading's id, so sections can be linked (`/privacy#children`). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Renders the document's body (front matter already removed). # and ## are h2 (the page's h1 is the title), ### is h3. */
export function renderMarkdown(body: string): string {
  const out: string[] = [];
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  let paragraph: string[] = [];
  let list: string[] = [];
  let definitions: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${inline(paragraph.join(' '))}</p>`);
    if (list.length) out.push(`<ul>${list.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
    if (definitions.length) out.push(`<dl>${definitions.join('')}</dl>`);
    paragraph = [];
    list = [];
    definitions = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{1,3}) (.+)$/.exec(line);
    if (heading) {
      flush();
      const level = Math.max(heading[1]!.length, 2);
      out.push(`<h${level} id="${slug(heading[2]!)}">${inline(heading[2]!)}</h${level}>`);
    } else if (line.startsWith('- ')) {
      if (paragraph.length || definitions.length) flush();
      list.push(line.slice(2));
    } else if (line.startsWith(': ')) {
      // The line before was the term: it sits in `paragraph` until now.
      const term = paragraph.join(' ');
      paragraph = [];
      if (term) definitions.push(`<dt>${inline(term)}</dt>`);
      definitions.push(`<dd>${inline(line.slice(2))}</dd>`);
    } else if (line.trim() === '') {
      // A blank line ends a paragraph or a list, but a definition list runs on to its next term.
      if (definitions.length && lines[i + 2]?.startsWith(': ')) continue;
      flush();
    } else if (list.length && /^\s+\S/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
    } else {
      if (list.length) flush();
      paragraph.push(line.trim());
    }
  }
  flush();
  return out.join('\n');
}

/**
 * Replaces each `{{name}}` left in rendered HTML with the server's figure for it, in a span
 * tests and styles can find (`data-testid`); a name without a figure gets the fallback words.
 */
export function fillFacts(html: string, facts: Record<string, { text: string; testId: string }>, fallback: string): string {
  return html.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const fact = facts[name];
    return fact ? `<span data-testid="${escapeHtml(fact.testId)}">${escapeHtml(fact.text)}</span>` : escapeHtml(fallback);
  });
}
