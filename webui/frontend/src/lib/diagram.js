// Overlays and markers on a bpmn-js canvas: problems, instance state, heatmap, diffs.

import { el } from "./dom.js";

export function hasElement(viewer, id) {
  return Boolean(id && viewer.get("elementRegistry").get(id));
}

/** Mark each problem at its element (badge with the message) and return those placed. */
export function showProblems(viewer, problems) {
  const overlays = viewer.get("overlays");
  const canvas = viewer.get("canvas");
  clearProblems(viewer);
  const placed = [];
  const root = canvas.getRootElement();
  for (const problem of problems) {
    if (!hasElement(viewer, problem.element_id) || problem.element_id === root.id) continue;
    canvas.addMarker(problem.element_id, `cf-problem-${problem.severity || "error"}`);
    overlays.add(problem.element_id, "cf-problem", {
      position: { top: -14, left: -6 },
      html: el(
        "div",
        { class: `cf-problem-badge cf-problem-badge-${problem.severity || "error"}`, title: problem.message },
        el("span", { class: "cf-problem-icon", text: "!" }),
        el("span", { class: "cf-problem-text", text: problem.message }),
      ),
    });
    placed.push(problem);
  }
  viewer.__cfProblemIds = placed.map((p) => p.element_id);
  return placed;
}

export function clearProblems(viewer) {
  const canvas = viewer.get("canvas");
  viewer.get("overlays").remove({ type: "cf-problem" });
  for (const id of viewer.__cfProblemIds || []) {
    if (!hasElement(viewer, id)) continue;
    canvas.removeMarker(id, "cf-problem-error");
    canvas.removeMarker(id, "cf-problem-warning");
  }
  viewer.__cfProblemIds = [];
}

/** Add a marker to each element drawn on the canvas (not the root: it would tint everything). */
export function mark(viewer, ids, marker) {
  const canvas = viewer.get("canvas");
  const root = canvas.getRootElement();
  for (const id of ids || []) {
    if (hasElement(viewer, id) && id !== root.id) canvas.addMarker(id, marker);
  }
}

export function focusElement(viewer, id) {
  if (!hasElement(viewer, id)) return;
  const element = viewer.get("elementRegistry").get(id);
  const canvas = viewer.get("canvas");
  try {
    canvas.scrollToElement(element);
  } catch {
    /* scrollToElement is not in every viewer build; the selection is enough */
  }
  try {
    viewer.get("selection").select(element);
  } catch {
    /* viewers without selection */
  }
}

/** Fit the diagram; wait a frame so the container has its size. `leaveRoomLeft` (px)
 * keeps the modeler's palette from covering the start of the process. */
export function fit(viewer, { leaveRoomLeft = 0 } = {}) {
  requestAnimationFrame(() => {
    const canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    if (!leaveRoomLeft) return;
    const { width } = canvas.viewbox().outer;
    canvas.zoom(canvas.zoom() * ((width - leaveRoomLeft) / width), "auto");
    canvas.scroll({ dx: leaveRoomLeft / 2, dy: 0 });
  });
}

/** Render a list of problems as <li> rows; clicking one focuses its element. */
export function problemList(viewer, list, problems, t) {
  list.replaceChildren(
    ...problems.map((problem) =>
      el(
        "li",
        { class: `cf-problem-row cf-problem-row-${problem.severity || "error"}` },
        el("button", {
          type: "button",
          class: "link-button",
          text: problem.element_id || problem.file || t("document"),
          onclick: () => focusElement(viewer, problem.element_id),
          disabled: !hasElement(viewer, problem.element_id),
        }),
        problem.element_name ? ` ${problem.element_name}` : "",
        problem.line ? ` (${t("line")} ${problem.line})` : "",
        ": ",
        problem.message,
      ),
    ),
  );
}
