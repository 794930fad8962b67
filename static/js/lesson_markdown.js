/**
 * The lessons' Markdown, rendered safely: DOM nodes built with text, never HTML strings. The
 * subset the lesson files use: paragraphs, `-` and `1.` lists, `###` headings, fenced code
 * blocks (```python; ```math holds display formulas, one per line), and inline `code`, **bold**, *emphasis* and [links](/relative or https).
 * Formulas are written in Unicode (η, θ ← θ − η·∇L, β₁), so no maths typesetter is needed.
 */

import { h } from "./controls.js";

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*)|(\[[^\]]+\]\([^)\s]+\))/g;

/** A link target we allow: this app's own paths, or http(s). */
export function safeHref(href) {
  return /^(\/(?!\/)|https?:\/\/)/.test(href) ? href : null;
}

/** Inline Markdown of one paragraph or item, as an array of nodes and strings. */
export function inline(text) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) out.push(text.slice(last, match.index));
    const [token] = match;
    if (match[1]) out.push(h("code", {}, token.slice(1, -1)));
    else if (match[2]) out.push(h("strong", {}, inline(token.slice(2, -2))));
    else if (match[3]) out.push(h("em", {}, inline(token.slice(1, -1))));
    else {
      const [, label, href] = token.match(/^\[([^\]]+)\]\(([^)\s]+)\)$/);
      const safe = safeHref(href);
      out.push(safe ? h("a", { href: safe, target: "_blank", rel: "noopener" }, label) : label);
    }
    last = match.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Split Markdown into blocks: {type: "p"|"ul"|"ol"|"h3"|"code", lines, lang}. Pure. */
export function blocks(markdown) {
  const lines = String(markdown).replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let current = null;
  const close = () => { if (current) out.push(current); current = null; };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    const fence = line.match(/^```\s*([\w-]*)\s*$/);
    if (fence) {
      close();
      const code = [];
      for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]); i += 1) code.push(lines[i]);
      out.push({ type: "code", lines: code, lang: fence[1] || "" });
      continue;
    }
    if (!line.trim()) { close(); continue; }
    const bullet = line.match(/^\s*[-*]\s+(.*)$/);
    const number = line.match(/^\s*\d+[.)]\s+(.*)$/);
    const heading = line.match(/^#{1,6}\s+(.*)$/);
    if (heading) { close(); out.push({ type: "h3", lines: [heading[1]] }); continue; }
    const type = bullet ? "ul" : number ? "ol" : "p";
    const text = bullet ? bullet[1] : number ? number[1] : line.trim();
    if (current && current.type === type && type !== "p") current.lines.push(text);
    else if (current && current.type === "p" && type === "p") current.lines[0] += ` ${text}`;
    else if (current && current.type !== "p" && type === "p" && /^\s+/.test(line)) {
      current.lines[current.lines.length - 1] += ` ${text}`; // a list item's continuation
    } else { close(); current = { type, lines: [text] }; }
  }
  close();
  return out;
}

/** Render Markdown into DOM nodes. */
export function renderMarkdown(markdown) {
  return blocks(markdown).map((block) => {
    if (block.type === "code" && block.lang === "math") {
      return h("div", { class: "lesson-formula", role: "math" }, block.lines.map((line) => h("div", {}, line)));
    }
    if (block.type === "code") {
      return h("pre", { class: "lesson-code" }, h("code", { "data-lang": block.lang }, block.lines.join("\n")));
    }
    if (block.type === "ul" || block.type === "ol") {
      return h(block.type, {}, block.lines.map((line) => h("li", {}, inline(line))));
    }
    return h(block.type === "h3" ? "h3" : "p", {}, inline(block.lines[0]));
  });
}
