// The routing page: dmn-js decision table editor, deploy, and the routing simulator that
// runs the CURRENT editor XML (the draft) against sample contracts and saved cases.

import "dmn-js/dist/assets/diagram-js.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-font/css/dmn.css";

import DmnModeler from "dmn-js/lib/Modeler";

import { api, ApiError, fill, setCsrfToken } from "./lib/api.js";
import { deployedText, validateAndDeploy } from "./lib/deploy.js";
import { $, el, pageRoot, say, shippedName } from "./lib/dom.js";

/** Find the newest deployed version that holds the DMN file; return {key, version, files}. */
async function findDmn(config) {
  const { data } = await api("GET", config.api.list);
  const items = [...(data.items || [])].sort((a, b) =>
    a.key === config.decisionKey ? -1 : b.key === config.decisionKey ? 1 : 0,
  );
  for (const item of items) {
    const url = fill(config.api.version, { key: item.key, version: item.version });
    const { data: version } = await api("GET", url);
    if (version.files && version.files[config.dmnFile]) return version;
  }
  return null;
}

function openDecisionTable(modeler, decisionKey) {
  const views = modeler.getViews();
  const table =
    views.find((v) => v.type === "decisionTable" && v.element.id === decisionKey) ||
    views.find((v) => v.type === "decisionTable");
  if (table) return modeler.open(table);
  return Promise.resolve();
}

/** Name the table's columns in the reader's language when the model's labels are ones we ship. */
function showColumns(modeler, t) {
  const logic = modeler.getActiveView()?.element?.decisionLogic;
  const labels = [...(logic?.input || []), ...(logic?.output || [])]
    .map((column) => column.label || column.name || "")
    .filter(Boolean);
  if (!labels.some((label) => shippedName(label) !== label)) return;
  const legend = $("#dmn-columns");
  legend.textContent = `${t("columns")}: ${labels.map((label) => `${shippedName(label)} (${label})`).join(" · ")}`;
  legend.hidden = false;
}

/** dmn-js's `translate` service, answering from the page's labels ("dmn:When" → "当"). */
function translateModule(labels) {
  const translate = (template, replacements = {}) =>
    (labels[`dmn:${template}`] || template).replace(/{([^}]+)}/g, (whole, key) =>
      key in replacements ? replacements[key] : whole,
    );
  return { translate: ["value", translate] };
}

function simulatorInputs(form) {
  const contractId = form.contract_id.value.trim();
  if (contractId) return { contract_id: Number(contractId) };
  return {
    contract_type: form.contract_type.value,
    amount: form.amount.value.trim(),
    currency: form.currency.value,
    department: form.department.value,
  };
}

function chain(approvers, t) {
  if (!approvers.length) return el("p", { class: "muted", text: t("noApprovers") });
  return el(
    "ol",
    { class: "cf-chain", id: "approver-chain" },
    approvers.map((a) => el("li", { dataset: { role: a.role }, title: a.group, text: a.role })),
  );
}

const roles = (answer) => (answer.approvers || []).map((a) => a.role);

async function main() {
  const { root, config, labels, t } = pageRoot();
  setCsrfToken(config.csrfToken);
  const status = $("#dmn-status");
  // No keyboard.bindTo: dmn-js 17 binds shortcuts to its own container and logs an
  // error for the old option on every page load.
  // Per view: dmn-js drops `common.additionalModules` in favour of each view's own list.
  const translated = { additionalModules: [translateModule(labels)] };
  const modeler = new DmnModeler({
    container: "#dmn-canvas",
    drd: translated,
    decisionTable: translated,
    literalExpression: translated,
  });
  window.cfDmnModeler = modeler;

  const version = await findDmn(config);
  if (!version) {
    say(status, t("noDmn"), "error");
    root.dataset.state = "error";
    return;
  }
  const files = { ...version.files };
  $("#dmn-source").textContent = `${version.key} v${version.version}`;
  const { warnings } = await modeler.importXML(files[config.dmnFile]);
  await openDecisionTable(modeler, config.decisionKey);
  showColumns(modeler, t);
  root.dataset.importWarnings = String(warnings.length);
  root.dataset.state = "ready";

  const draft = async () => (await modeler.saveXML({ format: true })).xml;
  const problems = $("#dmn-problems");

  // Saved cases must pass against the draft before it is deployed.
  let cases = [];
  const failingCases = async () => {
    const failing = [];
    for (const saved of cases) {
      const answer = await simulate(saved.inputs || {});
      if (JSON.stringify(roles(answer)) !== JSON.stringify(saved.expected || [])) {
        failing.push({
          element_id: config.decisionKey,
          severity: "error",
          message: `${t("caseFails")} "${saved.name}": ${roles(answer).join(" → ") || "–"}`,
        });
      }
    }
    return failing;
  };

  $("#deploy-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = event.target.querySelector("button[type=submit]");
    button.disabled = true;
    problems.replaceChildren();
    say(status, t("validating"), "info");
    try {
      const xml = await draft();
      const failing = await failingCases();
      const result = failing.length
        ? { problems: failing }
        : await validateAndDeploy(config, { ...files, [config.dmnFile]: xml }, $("#note").value);
      problems.replaceChildren(
        ...result.problems.map((p) =>
          el("li", { class: `cf-problem-row cf-problem-row-${p.severity || "error"}` },
            el("code", { text: p.element_id || p.file || "" }), " ", p.message),
        ),
      );
      if (result.deployed) {
        files[config.dmnFile] = xml;
        say(status, deployedText(result.deployed, t), "success");
        root.dataset.state = "deployed";
      } else {
        say(status, `${t("notDeployed")}: ${result.problems.length}`, "error");
      }
    } catch (error) {
      say(status, `${t("failed")}: ${error.message}`, "error");
    } finally {
      button.disabled = false;
    }
  });

  const simForm = $("#simulate-form");
  const result = $("#simulate-result");
  let lastRun = null;
  const simulate = async (inputs) => {
    const body = { ...inputs, dmn: await draft() };
    return (await api("POST", config.api.simulate, body)).data;
  };
  simForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const inputs = simulatorInputs(simForm);
    try {
      const answer = await simulate(inputs);
      lastRun = { inputs, approvers: roles(answer) };
      result.replaceChildren(
        el("p", { class: "muted", text: `${t("amountCny")}: ${answer.amount_cny} · ${answer.source}` }),
        chain(answer.approvers || [], t),
        answer.approvers?.length
          ? el("p", { class: "muted", text: `${t("groups")}: ${answer.approvers.map((a) => a.group).join(", ")}` })
          : "",
      );
      $("#save-case").hidden = false;
    } catch (error) {
      lastRun = null;
      $("#save-case").hidden = true;
      result.replaceChildren(el("p", { class: "flash flash-error", text: error.message }));
    }
  });

  const casesBody = $("#cases-body");
  const renderCases = async () => {
    const { data } = await api("GET", config.api.cases);
    cases = Array.isArray(data) ? data : data.items || [];
    casesBody.replaceChildren();
    for (const saved of cases) {
      const verdict = el("td", { class: "cf-verdict", text: "…" });
      const row = el(
        "tr",
        { dataset: { caseId: saved.id } },
        el("td", { text: saved.name }),
        el("td", { text: Object.entries(saved.inputs || {}).map(([k, v]) => `${k}=${v}`).join(", ") }),
        el("td", { text: (saved.expected || []).join(" → ") }),
        verdict,
        el("td", {},
          el("button", {
            type: "button",
            class: "button button-quiet",
            text: t("delete"),
            onclick: async () => {
              await api("DELETE", fill(config.api.case, { id: saved.id }));
              await renderCases();
            },
          })),
      );
      casesBody.append(row);
      simulate(saved.inputs || {})
        .then((answer) => {
          const ok = JSON.stringify(roles(answer)) === JSON.stringify(saved.expected || []);
          verdict.textContent = ok ? t("pass") : `${t("fail")}: ${roles(answer).join(" → ")}`;
          verdict.className = `cf-verdict ${ok ? "cf-pass" : "cf-fail"}`;
        })
        .catch((error) => {
          verdict.textContent = `${t("fail")}: ${error.message}`;
          verdict.className = "cf-verdict cf-fail";
        });
    }
    $("#cases-empty").hidden = cases.length > 0;
  };

  $("#save-case").addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!lastRun) return;
    const name = event.target.case_name.value.trim() || t("unnamedCase");
    await api("POST", config.api.cases, { name, inputs: lastRun.inputs, expected: lastRun.approvers });
    event.target.reset();
    await renderCases();
  });
  $("#recheck-cases").addEventListener("click", renderCases);
  await renderCases().catch((error) => {
    if (error instanceof ApiError && error.status === 404) {
      // This server keeps no saved cases: simulate only.
      $("#cases-section").hidden = true;
    } else {
      say($("#cases-status"), error.message, "error");
    }
  });
}

main().catch((error) => {
  say(document.getElementById("dmn-status"), error.message, "error");
  document.getElementById("admin-app").dataset.state = "error";
});
