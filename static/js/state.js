/**
 * Page state ↔ link. One loop, driven by the schema description the server sends, writes the
 * query exactly like the Python `url_codec.encode`: each field's `url` key, nested models with
 * `url: ""` sharing the parent's prefix, lists of models as `r0.`, `r1.` …, sequences
 * comma-joined, bools 1/0, floats in Python's shortest round-trip form (`repr`).
 * Reading a link is the server's job (it decodes leniently and hands the page the result).
 */

/** A float as Python's `repr` writes it: "0.05", "10.0", "1e-05", "1.5e+16". */
export function pyFloat(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest digits that round-trip, as repr.
  const [mantissa, expText] = x.toExponential().split("e");
  const exponent = Number(expText);
  if (exponent < -4 || exponent >= 16) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  const negative = x < 0;
  const digits = mantissa.replace("-", "").replace(".", "");
  let text;
  if (exponent >= 0) {
    text = digits.length <= exponent + 1
      ? `${digits}${"0".repeat(exponent + 1 - digits.length)}.0`
      : `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  } else {
    text = `0.${"0".repeat(-exponent - 1)}${digits}`;
  }
  return (negative ? "-" : "") + text;
}

function formatScalar(kind, value) {
  if (typeof value === "boolean") return value ? "1" : "0";
  if (kind === "float") return pyFloat(Number(value));
  if (kind === "int") return String(Math.trunc(Number(value)));
  return String(value);
}

/** Every field of `value` that is set, as ordered [key, text] pairs (Python's `encode`). */
export function encodePairs(fields, value, prefix = "") {
  const pairs = [];
  for (const field of fields) {
    const item = value[field.name];
    const key = prefix + (field.url ?? field.name);
    if (item === null || item === undefined) continue;
    if (field.type === "model") {
      pairs.push(...encodePairs(field.fields, item, key));
    } else if (field.type === "models") {
      if (item.length === 0) pairs.push([key, "0"]); // an empty list, as the Python codec writes it
      item.forEach((entry, i) => pairs.push(...encodePairs(field.fields, entry, `${key}${i}.`)));
    } else if (field.type === "list") {
      pairs.push([key, item.map((v) => formatScalar(field.items, v)).join(",")]);
    } else {
      pairs.push([key, formatScalar(field.type, item)]);
    }
  }
  return pairs;
}

/** `a=1&b=x,y`: percent-encoded, but commas kept readable (the server splits on them). */
export function queryString(pairs) {
  return pairs
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v).replace(/%2C/gi, ",")}`)
    .join("&");
}

/** The page's whole link query: language, then the experiment, then the view. */
export function pageQuery(schema, lang, experiment, view) {
  return queryString([
    ["lang", lang],
    ...encodePairs(schema.experiment, experiment),
    ...encodePairs(schema.view, view),
  ]);
}

/** Write the state into the address bar without a new history entry. */
export function writeUrl(query) {
  const url = `${location.pathname}?${query}`;
  if (url !== location.pathname + location.search) history.replaceState(null, "", url);
  return url;
}

/** The description of field `name` in a field list (or undefined). */
export function fieldByName(fields, name) {
  return fields.find((f) => f.name === name);
}

/** A deep copy of plain JSON data. */
export function clone(data) {
  return JSON.parse(JSON.stringify(data));
}

/** Whether a control with `when: {other: [choices]}` applies given the sibling values. */
export function applies(field, values) {
  if (!field.when) return true;
  return Object.entries(field.when).every(([name, choices]) => choices.includes(values[name]));
}
