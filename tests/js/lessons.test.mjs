import assert from "node:assert/strict";
import { test } from "node:test";

import { blocks, safeHref } from "../../static/js/lesson_markdown.js";

test("markdown blocks: paragraphs join lines, lists, fenced code and math keep their lines", () => {
  const md = "One line\nand the next.\n\n- a\n- b\n\n```python\nx = 1\n  y = 2\n```\n\n```math\nm ← β·m\nθ ← θ + m\n```\n1. first\n2. second";
  assert.deepEqual(blocks(md), [
    { type: "p", lines: ["One line and the next."] },
    { type: "ul", lines: ["a", "b"] },
    { type: "code", lines: ["x = 1", "  y = 2"], lang: "python" },
    { type: "code", lines: ["m ← β·m", "θ ← θ + m"], lang: "math" },
    { type: "ol", lines: ["first", "second"] },
  ]);
});

test("links: only this app's paths and http(s)", () => {
  assert.equal(safeHref("/surface?f=beale"), "/surface?f=beale");
  assert.equal(safeHref("https://distill.pub/2017/momentum/"), "https://distill.pub/2017/momentum/");
  for (const bad of ["javascript:alert(1)", "//evil.example", "data:text/html,x", "vbscript:x"]) {
    assert.equal(safeHref(bad), null, bad);
  }
});
