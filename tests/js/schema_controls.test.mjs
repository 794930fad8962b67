import assert from "node:assert/strict";
import { test } from "node:test";

import { globalFields, surfaceFields } from "../../static/js/race_controls.js";
import { runStyles } from "../../static/js/surface_runs.js";
import { needSchemas, schemas } from "./schemas.mjs";

const FIELDS = [
  { name: "version", type: "int", control: "none" },
  { name: "surface", type: "enum", options: ["quadratic", "custom"] },
  { name: "expression", type: "text", when: { surface: ["custom"] } },
  { name: "condition_number", type: "float", when: { surface: ["quadratic"] } },
  { name: "start", type: "list", control: "point" },
  { name: "steps", type: "int" },
  { name: "seed", type: "int", control: "number" },
  { name: "runs", type: "models", fields: [] },
];

test("a numeric field added to the schema gets a control, no JavaScript edited", () => {
  const added = [...FIELDS, { name: "momentum_warmup", type: "float", ge: 0, le: 1 }, { name: "lookahead", type: "bool" }];
  assert.deepEqual(globalFields(added).map((f) => f.name), ["steps", "momentum_warmup", "lookahead", "seed"]);
  const conditional = [...FIELDS, { name: "power", type: "float", when: { surface: ["custom"] } }];
  assert.deepEqual(surfaceFields(conditional).map((f) => f.name), ["condition_number", "power"]);
});

test("the served surface schema: every numeric field is drawn, version is not", needSchemas, () => {
  const fields = schemas.surface.experiment;
  const drawn = [...surfaceFields(fields), ...globalFields(fields)].map((f) => f.name);
  const numeric = fields.filter((f) => ["int", "float", "bool"].includes(f.type) && f.name !== "version");
  assert.deepEqual(new Set(drawn), new Set(numeric.map((f) => f.name)));
  assert.ok(!drawn.includes("version"));
});

test("each optimizer's colour comes from the served catalogue", needSchemas, () => {
  const catalog = schemas.surface.optimizers;
  const names = Object.keys(catalog);
  const styles = runStyles(names.map((optimizer) => ({ optimizer, enabled: true })), catalog, (n) => n);
  assert.deepEqual(styles.map((s) => s.color), names.map((n) => catalog[n].colour));
  assert.equal(new Set(styles.map((s) => s.color)).size, names.length, "colours are distinct");
  for (const colour of styles.map((s) => s.color)) assert.match(colour, /^#[0-9a-fA-F]{6}$/);
  const twice = runStyles([{ optimizer: "adam" }, { optimizer: "adam" }], catalog, (n) => n);
  assert.deepEqual(twice.map((s) => [s.label, s.dash]), [["adam", "solid"], ["adam (2)", "dash"]]);
});
