// Definitions and their versions: open in the modeler, compare two versions, redeploy.

import { api, fill } from "../lib/api.js";
import { mark } from "../lib/diagram.js";
import { $, el, formatDate, say, shippedName } from "../lib/dom.js";
import { bpmnOf, createViewer, showDiagram } from "../lib/viewer.js";

function versionRow(item, v, config, t, reload) {
  const status = $("#processes-status");
  const isLatest = v.version === item.version;
  const actions = el("td", { class: "cf-actions" });
  const href =
    item.key === config.decisionKey
      ? config.pages.routing
      : fill(config.pages.modeler, { key: item.key, version: v.version });
  actions.append(el("a", { class: "button button-quiet", href, text: t("open") }));
  if (!isLatest) {
    actions.append(
      el("button", {
        type: "button",
        class: "button button-quiet",
        text: t("redeploy"),
        dataset: { redeploy: `${item.key}:${v.version}` },
        onclick: async () => {
          const note = `${t("redeployNote")} v${v.version}`;
          try {
            const { data } = await api("POST", fill(config.api.redeploy, { key: item.key, version: v.version }), { note });
            say(status, `${t("deployed")} ${data.key} v${data.version}`, "success");
            await reload();
          } catch (error) {
            say(status, error.message, "error");
          }
        },
      }),
    );
  }
  return el(
    "tr",
    {},
    el("td", {}, `v${v.version}`, isLatest ? el("span", { class: "badge badge-approved cf-latest", text: t("latest") }) : ""),
    el("td", { text: formatDate(v.deployed_at) }),
    el("td", { text: v.deployed_by || "" }),
    el("td", { text: v.note || "" }),
    actions,
  );
}

function definitionCard(item, config, t, reload) {
  const versions = [...item.versionList].sort((a, b) => b.version - a.version);
  return el(
    "section",
    { class: "card cf-definition", dataset: { key: item.key } },
    el("header", { class: "cf-definition-head" },
      el("h2", {}, shippedName(item.name) || item.key, " ", el("code", { text: item.key })),
      el("div", { class: "cf-actions" },
        el("a", { class: "button button-quiet", href: fill(config.pages.instances, { key: item.key }), text: t("instances") }),
        el("a", { class: "button button-quiet", href: fill(config.pages.heatmap, { key: item.key }), text: t("heatmap") }))),
    el("div", { class: "table-wrap" },
      el("table", { class: "table" },
        el("thead", {}, el("tr", {}, ["version", "deployedAt", "deployedBy", "note", ""].map((k) => el("th", { text: k ? t(k) : "" })))),
        el("tbody", {}, versions.map((v) => versionRow(item, v, config, t, reload))))),
  );
}

function fillCompareForm(items, t) {
  const form = $("#compare-form");
  const key = form.key;
  const current = key.value;
  key.replaceChildren(...items.map((i) => el("option", { value: i.key, text: shippedName(i.name) || i.key })));
  if (current) key.value = current;
  const versionsOf = () =>
    (items.find((i) => i.key === key.value)?.versionList || []).map((v) => v.version).sort((a, b) => a - b);
  const syncVersions = () => {
    const list = versionsOf();
    for (const [name, pick] of [["a", list.length - 2], ["b", list.length - 1]]) {
      form[name].replaceChildren(...list.map((v) => el("option", { value: v, text: `v${v}` })));
      if (list.length) form[name].value = list[Math.max(0, pick)];
    }
  };
  key.onchange = syncVersions;
  syncVersions();
}

function changeList(title, rows, kind, t) {
  return el("div", { class: `cf-diff cf-diff-${kind}` },
    el("h3", { text: `${title} (${rows.length})` }),
    rows.length
      ? el("ul", {}, rows.map((r) => el("li", {},
          el("code", { text: r.element_id }), r.element_name ? ` ${r.element_name}` : "", ` · ${r.element_type || ""}`,
          r.aspects?.length ? ` — ${r.aspects.join(", ")}` : "",
          r.file ? el("span", { class: "muted", text: ` (${r.file})` }) : "")))
      : el("p", { class: "muted", text: t("none") }));
}

async function compare(config, t, viewer) {
  const form = $("#compare-form");
  const out = $("#compare-result");
  const params = { key: form.key.value, from: form.a.value, to: form.b.value };
  const { data } = await api("GET", fill(config.api.compare, params));
  out.replaceChildren(
    changeList(t("added"), data.added || [], "added", t),
    changeList(t("changed"), data.changed || [], "changed", t),
    changeList(t("removed"), data.removed || [], "removed", t),
  );
  const { data: version } = await api("GET", fill(config.api.version, { key: params.key, version: params.to }));
  const xml = bpmnOf(version.files);
  const box = $("#compare-diagram");
  box.hidden = !xml;
  if (!xml) return;
  await showDiagram(viewer, xml, box);
  mark(viewer, (data.added || []).map((r) => r.element_id), "cf-added");
  mark(viewer, (data.changed || []).map((r) => r.element_id), "cf-changed");
}

export async function processesPage({ config, t }) {
  const list = $("#definitions");
  const viewer = createViewer("#compare-canvas");
  let items = [];
  const reload = async () => {
    const { data } = await api("GET", config.api.list);
    items = data.items || [];
    await Promise.all(
      items.map(async (item) => {
        const { data: versions } = await api("GET", fill(config.api.versions, { key: item.key }));
        item.versionList = versions.items || [];
      }),
    );
    list.replaceChildren(...items.map((item) => definitionCard(item, config, t, reload)));
    if (!items.length) list.append(el("p", { class: "muted", text: t("noDefinitions") }));
    fillCompareForm(items, t);
    list.dataset.state = "ready";
  };
  $("#compare-form").addEventListener("submit", (event) => {
    event.preventDefault();
    compare(config, t, viewer).catch((error) => say($("#processes-status"), error.message, "error"));
  });
  await reload();
}
