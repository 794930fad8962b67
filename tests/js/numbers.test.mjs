import assert from "node:assert/strict";
import { test } from "node:test";

import { errorText, formatParam, messageText, setCatalog, t } from "../../static/js/i18n.js";
import { formatList, formatValue, parseList, parseNumber } from "../../static/js/numbers.js";

test("a typed number reads with either decimal mark", () => {
  for (const [text, value] of [["0,01", 0.01], ["0.01", 0.01], [" 2,5 ", 2.5], ["1e-3", 0.001],
    ["1,5e-3", 0.0015], ["−2", -2], ["-0,5", -0.5], ["1.000,5", 1000.5], ["1,000.5", 1000.5],
    ["1.000.000", 1e6], ["10", 10]]) {
    assert.equal(parseNumber(text), value, text);
  }
  for (const text of ["", "abc", "1,2x", "--1"]) assert.ok(Number.isNaN(parseNumber(text)), text);
});

test("a value box writes the page's decimal mark and reads back what it wrote", () => {
  for (const v of [0.01, 0.001, 2.5e-4, 1e-7, 0.9, 123456, 42, -1.5]) {
    assert.equal(parseNumber(formatValue(v, "es")), v);
    assert.equal(parseNumber(formatValue(v, "en")), v);
  }
  assert.equal(formatValue(0.01, "es"), "0,01");
  assert.equal(formatValue(0.01, "en"), "0.01");
  assert.equal(formatValue(2.5e-4, "es"), "2,5e-4");
  assert.equal(formatValue(1e-7, "es"), "1e-7");
  assert.equal(formatValue(null, "es"), "");
});

test("lists: '; ' between Spanish values, a bare comma is their decimal mark", () => {
  assert.equal(formatList([-2, 2.5, 0.5, 1], "es"), "-2; 2,5; 0,5; 1");
  assert.equal(formatList([-2, 2.5], "en"), "-2, 2.5");
  assert.deepEqual(parseList("-2; 2,5; 0,5; 1", { language: "es" }), [-2, 2.5, 0.5, 1]);
  assert.deepEqual(parseList("-2, 2, -1, 3", { language: "es" }), [-2, 2, -1, 3]);
  assert.deepEqual(parseList("-2 2,5", { language: "es" }), [-2, 2.5]);
  assert.deepEqual(parseList("-2, 2.5", { language: "en" }), [-2, 2.5]);
  assert.deepEqual(parseList("100,200", { language: "es", integers: true }), [100, 200]);
  assert.ok(Number.isNaN(parseList("1,5,2", { language: "es" })[0]));
});

test("message parameters are written as the server writes them", () => {
  const cases = [[0.01, "0,01", "0.01"], [1e-12, "1e-12", "1e-12"], [5000, "5000", "5000"],
    [250000, "250.000", "250,000"], [1e6, "1.000.000", "1,000,000"], [-1.5, "-1,5", "-1.5"],
    [0.1 + 0.2, "0,3", "0.3"], [2.5e-5, "2,5e-5", "2.5e-5"], [1e20, "1e20", "1e20"],
    ["x1, x2", "x1, x2", "x1, x2"], [[0.5, 2], "0,5, 2", "0.5, 2"]];
  for (const [value, es, en] of cases) {
    assert.equal(formatParam(value, "es"), es, String(value));
    assert.equal(formatParam(value, "en"), en, String(value));
  }
});

test("a server message renders from its code and params, never its English", () => {
  setCatalog("es", { "error.less_than_equal": "Debe ser {le} o menos", "error.invalid": "Valor no válido" });
  try {
    const item = { field: "runs.0.momentum", code: "error.less_than_equal", params: { le: 0.9 },
      message: "Input should be less than or equal to 0.9" };
    assert.equal(messageText(item), "Debe ser 0,9 o menos");
    assert.equal(errorText(item), "runs.0.momentum: Debe ser 0,9 o menos");
    assert.equal(errorText({ ...item, field: "(body)" }), "Debe ser 0,9 o menos");
    // A code the catalog lacks: the server's own rendering, else a generic reason, never English.
    assert.equal(messageText({ code: "error.new", text: "Texto del servidor", message: "English" }), "Texto del servidor");
    assert.equal(messageText({ code: "error.new", message: "English" }), "Valor no válido");
    assert.equal(messageText({ message: "ya traducido" }), "ya traducido");
    assert.equal(t("error.less_than_equal", {}), "Debe ser {le} o menos");
  } finally {
    setCatalog("es", {});
  }
});
