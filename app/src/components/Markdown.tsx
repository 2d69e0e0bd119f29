/**
 * A proposal's body as Markdown, rendered to React elements and never to HTML: raw HTML in the
 * text stays text (React escapes it), links go only to `http:`, `https:` and `mailto:`
 * addresses, and images are shown as links. Covers what governance proposals use: headings,
 * paragraphs, lists, block quotes, fenced code, tables, rules, and inline code, emphasis and
 * links.
 */
import type { ReactNode } from "react";

/** A link target the page may follow, or null. */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)/i.test(trimmed) ? trimmed : null;
}

/** Inline Markdown: code spans, links and images, bold and italic. */
export function inline(text: string, key = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  const pattern = /(`+)([\s\S]*?)\1|!?\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))*)(?:\s+"[^"]*")?\)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_/g;
  let last = 0;
  let n = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    const k = `${key}-${n++}`;
    const [, ticks, code, label, url, strong1, strong2, em1, em2] = match;
    if (ticks) {
      out.push(<code key={k}>{code}</code>);
    } else if (url !== undefined) {
      const target = safeHref(url);
      const content = label || url;
      out.push(target
        ? <a key={k} href={target} target="_blank" rel="noopener noreferrer nofollow">{inline(content, k)}</a>
        : <span key={k}>{content}</span>);
    } else if (strong1 ?? strong2) {
      out.push(<strong key={k}>{inline(strong1 ?? strong2, k)}</strong>);
    } else {
      out.push(<em key={k}>{inline(em1 ?? em2, k)}</em>);
    }
    last = at + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const cells = (row: string) => row.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());

/** Block Markdown into elements. */
export function blocks(markdown: string): ReactNode[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const out: ReactNode[] = [];
  let i = 0;
  const key = () => `b${out.length}`;
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) {
      i += 1;
      continue;
    }
    const fence = line.match(/^\s*(```+|~~~+)/);
    if (fence) {
      const body: string[] = [];
      i += 1;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
      i += 1;
      out.push(<pre key={key()} className="code"><code>{body.join("\n")}</code></pre>);
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      // A proposal's headings sit below the page's own (h1, h2): they start at h3.
      const level = Math.min(6, heading[1].length + 2);
      const Tag = `h${level}` as "h3";
      out.push(<Tag key={key()}>{inline(heading[2], key())}</Tag>);
      i += 1;
      continue;
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      out.push(<hr key={key()} />);
      i += 1;
      continue;
    }
    if (/^\s*>/.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && /^\s*>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s*>\s?/, ""));
      out.push(<blockquote key={key()}>{blocks(quoted.join("\n"))}</blockquote>);
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(lines[i + 1])) {
      const head = cells(line);
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && lines[i].includes("|") && lines[i].trim() !== "") rows.push(cells(lines[i++]));
      const k = key();
      out.push(
        <div key={k} className="table-scroll">
          <table className="list">
            <thead><tr>{head.map((c, j) => <th key={j}>{inline(c, `${k}h${j}`)}</th>)}</tr></thead>
            <tbody>{rows.map((r, ri) => <tr key={ri}>{r.map((c, j) => <td key={j}>{inline(c, `${k}r${ri}c${j}`)}</td>)}</tr>)}</tbody>
          </table>
        </div>,
      );
      continue;
    }
    const item = line.match(/^(\s*)([-*+]|\d+[.)])\s+/);
    if (item) {
      const ordered = /\d/.test(item[2]);
      const items: string[] = [];
      while (i < lines.length) {
        const next = lines[i].match(/^(\s*)([-*+]|\d+[.)])\s+(.*)$/);
        if (next && next[1].length <= item[1].length) {
          items.push(next[3]);
          i += 1;
        } else if (items.length > 0 && /^\s+\S/.test(lines[i])) {
          items[items.length - 1] += `\n${lines[i].trim()}`;
          i += 1;
        } else {
          break;
        }
      }
      const k = key();
      const children = items.map((text, j) => <li key={j}>{inline(text, `${k}-${j}`)}</li>);
      out.push(ordered ? <ol key={k}>{children}</ol> : <ul key={k}>{children}</ul>);
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length && lines[i].trim() !== "" && !/^(#{1,6}\s|\s*```|\s*~~~|\s*>|\s*([-*+]|\d+[.)])\s)/.test(lines[i])) {
      paragraph.push(lines[i++].trim());
    }
    if (paragraph.length === 0) paragraph.push(lines[i++].trim());
    const k = key();
    out.push(<p key={k}>{inline(paragraph.join(" "), k)}</p>);
  }
  return out;
}

export function Markdown({ text }: { text: string }) {
  return <div className="markdown" data-testid="markdown">{blocks(text)}</div>;
}
