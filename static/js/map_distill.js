/**
 * The map of "Why momentum really works" (Goh, Distill 2017): heavy-ball momentum — Keras'
 * `SGD(momentum=μ)`, v = μ·v − η·g, θ = θ + v — on the quadratic ½(x² + κ·y²), whose Hessian
 * has eigenvalues 1 and κ. Theory draws two things on that map:
 *   the stability limit: a run diverges along the steep direction when η·κ > 2(1 + μ);
 *   Polyak's optimum: η* = 4/(√κ + 1)², μ* = ((√κ − 1)/(√κ + 1))².
 */

/** The preset (the optimizer spec is added by the page: momentum with its Keras defaults). */
export const DISTILL_PRESET = {
  surface: "quadratic", expression: null, condition_number: 100, start: null, steps: 100,
  tolerance: 1e-6, lr_min: 1e-3, lr_max: 1, second: "momentum", second_min: 0, second_max: 0.99,
  nx: 120, ny: 120,
};
export const DISTILL_OPTIMIZER = "momentum";

/** Whether the theory applies: heavy-ball momentum on the quadratic, μ on the vertical axis. */
export function isHeavyBallMap(experiment) {
  return experiment.surface === "quadratic" && experiment.second === "momentum"
    && ["sgd", "momentum"].includes(experiment.optimizer.optimizer) && !experiment.optimizer.nesterov;
}

/** Polyak's optimal learning rate and momentum for condition number κ. */
export function polyakOptimum(kappa) {
  const root = Math.sqrt(kappa);
  return { lr: 4 / (root + 1) ** 2, value: ((root - 1) / (root + 1)) ** 2 };
}

/**
 * What to draw over a computed map: `limit` ([η, μ] points of η·κ = 2(1 + μ) inside the
 * η range, or null), `optimum` (inside both ranges, or null) and `theory` (the optimum, always),
 * all null where the theory does not apply.
 */
export function heavyBallOverlay(experiment, result) {
  if (!result || !isHeavyBallMap(experiment)) return { limit: null, optimum: null, theory: null };
  const kappa = experiment.condition_number;
  const lrLow = result.lrs[0];
  const lrHigh = result.lrs[result.nx - 1];
  const limit = result.seconds.map((mu) => [(2 * (1 + mu)) / kappa, mu])
    .filter(([lr]) => lr >= lrLow && lr <= lrHigh);
  const theory = polyakOptimum(kappa);
  const inside = theory.lr >= experiment.lr_min && theory.lr <= experiment.lr_max
    && theory.value >= experiment.second_min && theory.value <= experiment.second_max;
  return { limit: limit.length > 1 ? limit : null, optimum: inside ? theory : null, theory };
}
