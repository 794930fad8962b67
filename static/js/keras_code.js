/**
 * The Keras 3 call that reproduces one optimizer card, in the style of the lecture's
 * "Show me the code" slides: learning_rate plus only the arguments that differ from the Keras
 * class's defaults (which come from the schema's optimizer catalog), clipping, and the
 * learning-rate schedule as a `keras.optimizers.schedules.*` object where Keras has one.
 */

import { t } from "./i18n.js";
import { pyFloat } from "./state.js";

const WIDTH = 46;

/** A Python literal for a JSON value. */
function literal(value) {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (Array.isArray(value)) return `[${value.map(literal).join(", ")}]`;
  if (typeof value === "number") return pyFloat(value);
  return JSON.stringify(value);
}

/** An integer-valued float as `100`, any other number as Python writes it. */
function count(value) {
  return Number.isInteger(value) ? String(value) : pyFloat(value);
}

/** Drop binary noise such as 0.005000000000000001 from a product. */
function tidy(value) {
  return Number(value.toPrecision(12));
}

/** `name(arg, arg, …)`, wrapped onto indented lines when longer than `width`. */
export function call(name, args, indent = "", width = WIDTH) {
  const one = `${indent}${name}(${args.join(", ")})`;
  if (one.length <= width || args.length === 0) return one;
  const lines = [];
  let line = `${indent}    `;
  for (const [i, arg] of args.entries()) {
    const piece = arg + (i < args.length - 1 ? "," : ")");
    if (line.trim() !== "" && line.length + piece.length + 1 > width) {
      lines.push(line.trimEnd());
      line = `${indent}    `;
    }
    line += (line.trim() === "" ? "" : " ") + piece;
  }
  lines.push(line);
  return `${indent}${name}(\n${lines.join("\n")}`;
}

/** The schedule's Keras construction lines (empty for a constant rate). */
export function scheduleCode(schedule, learningRate, width = WIDTH) {
  const eta = literal(learningRate);
  const S = "keras.optimizers.schedules";
  switch (schedule.name) {
    case "power":
      if (schedule.power === 1) {
        return [`lr_schedule = ${call(`${S}.InverseTimeDecay`, [
          `initial_learning_rate=${eta}`, `decay_steps=${count(schedule.decay_steps)}`, "decay_rate=1.0"], "", width)}`];
      }
      return [
        `class PowerDecay(${S}.LearningRateSchedule):`,
        "    def __call__(self, step):",
        `        return ${eta} / (1 + step / ${count(schedule.decay_steps)}) ** ${literal(schedule.power)}`,
        "",
        "lr_schedule = PowerDecay()",
      ];
    case "exponential": {
      const args = [`initial_learning_rate=${eta}`, `decay_steps=${count(schedule.decay_steps)}`,
        `decay_rate=${literal(schedule.decay_rate)}`];
      if (schedule.staircase) args.push("staircase=True");
      return [`lr_schedule = ${call(`${S}.ExponentialDecay`, args, "", width)}`];
    }
    case "piecewise": {
      const values = schedule.factors.map((f) => tidy(learningRate * f));
      return [`lr_schedule = ${call(`${S}.PiecewiseConstantDecay`, [
        `boundaries=[${schedule.boundaries.join(", ")}]`, `values=${literal(values)}`], "", width)}`];
    }
    case "cosine": {
      const args = [`initial_learning_rate=${eta}`, `decay_steps=${count(Math.round(schedule.decay_steps))}`];
      if (schedule.alpha !== 0) args.push(`alpha=${literal(schedule.alpha)}`);
      return [`lr_schedule = ${call(`${S}.CosineDecay`, args, "", width)}`];
    }
    case "onecycle":
      return [`# ${t("code.onecycle", { peak: eta })}`];
    default:
      return [];
  }
}

/** The Python lines that build this run's optimizer in Keras 3 (arguments in `order`). */
export function kerasCode(run, catalog, order = Object.keys(catalog[run.optimizer].defaults), width = WIDTH) {
  const info = catalog[run.optimizer];
  const kerasDefaults = (catalog[info.keras_class.toLowerCase()] || info).defaults;
  const schedule = scheduleCode(run.schedule, run.learning_rate, width);
  const usesSchedule = schedule.length > 0 && run.schedule.name !== "onecycle";
  const args = [`learning_rate=${usesSchedule ? "lr_schedule" : literal(run.learning_rate)}`];
  for (const name of order) {
    if (name === "learning_rate" || !(name in info.defaults)) continue;
    const value = run[name];
    if (value === null || value === undefined || value === kerasDefaults[name]) continue;
    args.push(`${name}=${literal(value)}`);
  }
  for (const name of ["clipvalue", "clipnorm", "global_clipnorm"]) {
    if (run[name] !== null && run[name] !== undefined) args.push(`${name}=${literal(run[name])}`);
  }
  return [...schedule, call(`keras.optimizers.${info.keras_class}`, args, "", width)].join("\n");
}
