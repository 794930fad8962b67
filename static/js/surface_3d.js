/**
 * The 3D view of a surface: the grid as a lit surface (the 2D view's colour transform) and the
 * trajectories lifted a little above it, as Plotly traces and a scene layout.
 */

import { AXIS_FONT, FONT } from "./charts.js";
import { t } from "./i18n.js";

const COLORSCALE_3D = [[0, "#f4f8fc"], [0.35, "#c6d8ec"], [0.7, "#86a7cb"], [1, "#4d74a1"]];

/** Traces and layout of `grid` with the enabled `runs`' `trajectories` on it. */
export function surfaceScene(grid, runs, trajectories) {
  const g = grid;
  const lift = g.transform.apply;
  // Float the paths a little above the surface so it does not swallow them.
  const top = g.transform.apply(g.transform.high);
  const bottom = g.transform.apply(g.transform.low);
  const clearance = 0.015 * (top - bottom || 1);
  const traces = [{
    type: "surface", x: g.x, y: g.y, z: g.colour, colorscale: COLORSCALE_3D, showscale: false,
    opacity: 0.9, hoverinfo: "skip", lighting: { ambient: 0.75, diffuse: 0.6, specular: 0.1, roughness: 0.9 },
    contours: { z: { show: true, usecolormap: false, color: "rgba(55,75,105,0.35)", width: 1 } },
  }];
  runs.forEach((run, i) => {
    const path = trajectories?.[i];
    if (!run.enabled || !path) return;
    traces.push({
      type: "scatter3d", mode: "lines", name: run.label, x: path.x, y: path.y,
      z: path.f.map((v) => lift(v) + clearance), line: { color: run.color, width: 8 },
      hovertemplate: `${run.label}<extra></extra>`,
    });
  });
  const [xmin, xmax, ymin, ymax] = g.window;
  const axis3d = (title, range) => ({ title: { text: title, font: AXIS_FONT }, range,
    tickfont: { family: FONT, size: 13 }, backgroundcolor: "#f8fafc", gridcolor: "#e5e7eb" });
  const layout = {
    margin: { l: 0, r: 0, t: 0, b: 0 }, showlegend: false, font: { family: FONT, size: 15 },
    paper_bgcolor: "rgba(0,0,0,0)", uirevision: g.surface.name,
    scene: {
      xaxis: axis3d("x", [xmin, xmax]), yaxis: axis3d("y", [ymin, ymax]),
      zaxis: axis3d(g.transform.log ? t("plot.colour_log") : "f"),
      camera: { eye: { x: -1.15, y: -1.3, z: 0.9 } }, aspectmode: "manual",
      aspectratio: { x: 1, y: 1, z: 0.55 },
    },
  };
  return { traces, layout };
}
