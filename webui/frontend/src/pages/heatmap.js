// Bottleneck heatmap: median / p90 waiting time and count on each user task, for a period.

import { api, fill } from "../lib/api.js";
import { hasElement } from "../lib/diagram.js";
import { $, el, formatSeconds, say, shippedName } from "../lib/dom.js";
import { bpmnOf, createViewer, showDiagram } from "../lib/viewer.js";

function heatClass(value, max) {
  if (!max || !value) return "cf-heat-0";
  const level = Math.min(4, Math.ceil((value / max) * 4));
  return `cf-heat-${level}`;
}

export async function heatmapPage({ config, t }) {
  const viewer = createViewer("#heatmap-canvas");
  const status = $("#heatmap-status");
  const { data: defs } = await api("GET", config.api.list);
  const def = (defs.items || []).find((d) => d.key === config.key);
  if (!def) {
    say(status, t("unknownDefinition"), "error");
    return;
  }
  const { data: version } = await api("GET", fill(config.api.version, def));
  await showDiagram(viewer, bpmnOf(version.files), $("#heatmap-diagram"));

  const form = $("#heatmap-form");
  const load = async () => {
    const query = new URLSearchParams();
    if (form.since.value) query.set("since", form.since.value);
    if (form.until.value) query.set("until", form.until.value);
    const { data } = await api("GET", `${fill(config.api.heatmap, { key: def.key })}?${query}`);
    const tasks = data.items || [];
    const overlays = viewer.get("overlays");
    const canvas = viewer.get("canvas");
    overlays.remove({ type: "cf-heat" });
    viewer.get("elementRegistry").forEach((e) => {
      for (let level = 0; level <= 4; level += 1) canvas.removeMarker(e.id, `cf-heat-${level}`);
    });
    const max = Math.max(0, ...tasks.map((task) => task.median_seconds || 0));
    for (const task of tasks) {
      if (!hasElement(viewer, task.bpmn_id)) continue;
      const level = heatClass(task.median_seconds, max);
      canvas.addMarker(task.bpmn_id, level);
      overlays.add(task.bpmn_id, "cf-heat", {
        position: { top: -4, left: 0 },
        html: el("div", { class: `cf-heat-badge ${level}`, dataset: { bpmnId: task.bpmn_id } },
          el("span", { text: `${t("median")} ${formatSeconds(task.median_seconds)}` }),
          el("span", { text: `p90 ${formatSeconds(task.p90_seconds)}` }),
          el("span", { text: `n=${task.count}` })),
      });
    }
    $("#heatmap-body").replaceChildren(
      ...tasks.map((task) =>
        el("tr", {},
          el("td", {}, shippedName(task.name) || "", " ", el("code", { text: task.bpmn_id })),
          el("td", { class: "num", text: String(task.count) }),
          el("td", { class: "num", text: formatSeconds(task.median_seconds) }),
          el("td", { class: "num", text: formatSeconds(task.p90_seconds) }))),
    );
    if (!tasks.length) $("#heatmap-body").append(el("tr", {}, el("td", { colspan: 4, class: "muted", text: t("noData") })));
    $("#admin-app").dataset.state = "ready";
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load().catch((error) => say(status, error.message, "error"));
  });
  await load();
}
