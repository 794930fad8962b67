// The schemas the server serves, written by tests/test_js_units.py into DESCENSO_SCHEMAS (a JSON
// file {surface, mlp, map}); tests that need them skip without it (e.g. `node --test` by hand).
import { readFileSync } from "node:fs";

export const schemas = process.env.DESCENSO_SCHEMAS
  ? JSON.parse(readFileSync(process.env.DESCENSO_SCHEMAS, "utf8"))
  : null;
export const needSchemas = schemas ? {} : { skip: "DESCENSO_SCHEMAS not set (run through pytest)" };
