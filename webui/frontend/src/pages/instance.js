// One instance: its diagram with completed/active/waiting markers, history, data, error,
// and the repair actions (suspend, resume, terminate, retry, migrate after a dry run).

import { api, ApiError, fill } from "../lib/api.js";
import { mark } from "../lib/diagram.js";
import { $, el, formatDate, say } from "../lib/dom.js";
import { bpmnOf, createViewer, showDiagram } from "../lib/viewer.js";

const ACTIONS = {
  suspend: ["running", "error"],
  resume: ["suspended"],
  terminate: ["running", "suspended", "error"],
  retry: ["error"],
};

function renderSummary(instance, t) {
  $("#instance-title").textContent = `#${instance.id} · ${instance.key} v${instance.version}`;
  $("#instance-summary").replaceChildren(
    ...[
      [t("status"), el("span", { class: `badge cf-status-${instance.status}`, text: t(`status_${instance.status}`) })],
      [t("businessKey"), instance.business_key || "–"],
      [t("startedAt"), formatDate(instance.started_at)],
      [t("updatedAt"), formatDate(instance.updated_at)],
      [t("completedAt"), formatDate(instance.completed_at) || "–"],
    ].flatMap(([k, v]) => [el("dt", { text: k }), el("dd", {}, v)]),
  );
  const error = $("#instance-error");
  error.hidden = !instance.error;
  error.textContent = instance.error ? `${t("error")}: ${instance.error}` : "";
}

function renderHistory(instance, t) {
  const rows = instance.history || [];
  $("#history-body").replaceChildren(
    ...rows.map((h) =>
      el("tr", {},
        el("td", { text: formatDate(h.at) }),
        el("td", { text: h.actor || "" }),
        el("td", { text: h.action || "" }),
        el("td", {}, h.task || "", h.bpmn_id ? el("code", { text: ` ${h.bpmn_id}` }) : ""),
        el("td", { text: [h.decision, h.comment].filter(Boolean).join(" · ") }),
      ),
    ),
  );
  if (!rows.length) $("#history-body").append(el("tr", {}, el("td", { colspan: 5, class: "muted", text: t("noHistory") })));
}

function renderActions(instance, config, t, reload) {
  const bar = $("#instance-actions");
  const status = $("#instance-status");
  bar.replaceChildren(
    ...Object.entries(ACTIONS).map(([action, states]) =>
      el("button", {
        type: "button",
        class: action === "terminate" ? "button button-danger" : "button",
        text: t(action),
        dataset: { action },
        disabled: !states.includes(instance.status),
        onclick: async () => {
          if (action === "terminate" && !window.confirm(t("confirmTerminate"))) return;
          try {
            await api("POST", fill(config.api.action, { id: instance.id, action }));
            say(status, `${t(action)}: ${t("done")}`, "success");
            await reload();
          } catch (error) {
            say(status, error.message, "error");
          }
        },
      }),
    ),
  );
}

function describe(row) {
  if (typeof row === "string") return row;
  const aspects = row.aspects?.length ? ` — ${row.aspects.join(", ")}` : "";
  return `${row.bpmn_id}${row.name ? ` ${row.name}` : ""}${aspects}`;
}

function dryRunView(run, t) {
  const list = (title, rows) =>
    rows?.length
      ? el("div", {}, el("h4", { text: title }), el("ul", {}, rows.map((r) => el("li", { text: describe(r) }))))
      : "";
  return el("div", {},
    el("p", { class: run.safe ? "flash flash-success" : "flash flash-error", text: `${run.safe ? t("migrationSafe") : t("migrationUnsafe")} v${run.from_version} → v${run.to_version ?? "–"}` }),
    list(t("reasons"), run.reasons),
    list(t("changed"), run.changed),
    list(t("added"), run.added),
    list(t("removed"), run.removed));
}

function setupMigration(instance, config, t, reload) {
  const box = $("#migration-result");
  $("#migration-check").onclick = async () => {
    try {
      const { data: run } = await api("GET", fill(config.api.migration, { id: instance.id }));
      const view = dryRunView(run, t);
      if (run.safe) {
        view.append(el("button", {
          type: "button",
          class: "button",
          id: "migration-apply",
          text: `${t("migrate")} v${run.to_version}`,
          onclick: async () => {
            try {
              await api("POST", fill(config.api.migrate, { id: instance.id }));
              box.replaceChildren(el("p", { class: "flash flash-success", text: t("migrated") }));
              await reload();
            } catch (error) {
              const details = error instanceof ApiError ? error.details : null;
              box.replaceChildren(
                el("p", { class: "flash flash-error", text: error.message }),
                details?.reasons ? el("ul", {}, details.reasons.map((r) => el("li", { text: r }))) : "",
              );
            }
          },
        }));
      }
      box.replaceChildren(view);
    } catch (error) {
      box.replaceChildren(el("p", { class: "flash flash-error", text: error.message }));
    }
  };
}

export async function instancePage({ config, t }) {
  const viewer = createViewer("#instance-canvas");
  let shownXml = null;
  const reload = async () => {
    const { data: instance } = await api("GET", fill(config.api.instance, { id: config.id }));
    renderSummary(instance, t);
    renderHistory(instance, t);
    renderActions(instance, config, t, reload);
    setupMigration(instance, config, t, reload);
    const data = $("#instance-data");
    if (data) data.textContent = instance.data === undefined ? "" : JSON.stringify(instance.data, null, 2);
    const { data: version } = await api("GET", fill(config.api.version, instance));
    const xml = bpmnOf(version.files || {});
    if (xml && xml !== shownXml) {
      await showDiagram(viewer, xml, $("#instance-diagram"));
      shownXml = xml;
    }
    const canvas = viewer.get("canvas");
    for (const marker of ["cf-completed", "cf-active", "cf-waiting"]) {
      viewer.get("elementRegistry").forEach((e) => canvas.removeMarker(e.id, marker));
    }
    const elements = instance.elements || {};
    mark(viewer, elements.completed, "cf-completed");
    mark(viewer, elements.waiting, "cf-waiting");
    mark(viewer, elements.active, "cf-active");
    $("#admin-app").dataset.state = "ready";
  };
  await reload();
}
