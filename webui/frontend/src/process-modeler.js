// The BPMN modeler page: bpmn-js Modeler + properties panel with our Spiff providers.

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";

import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";

import { api, fill, setCsrfToken } from "./lib/api.js";
import { validateAndDeploy, deployedText } from "./lib/deploy.js";
import { clearProblems, fit, problemList, showProblems } from "./lib/diagram.js";
import { $, pageRoot, say } from "./lib/dom.js";
import spiffModdle from "./lib/spiff-moddle.json";
import SpiffPropertiesModule from "./spiff/index.js";

async function main() {
  const { root, config, labels, t } = pageRoot();
  setCsrfToken(config.csrfToken);
  const status = $("#modeler-status");
  const modeler = new BpmnModeler({
    container: "#canvas",
    propertiesPanel: {
      parent: "#properties",
      // Our groups start open: they hold what a process admin edits most.
      layout: {
        groups: Object.fromEntries(
          ["general", "cf-user-task", "cf-operator", "cf-parameters", "cf-decision", "cf-script", "cf-lane", "timer"].map(
            (id) => [id, { open: true }],
          ),
        ),
      },
    },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, SpiffPropertiesModule],
    moddleExtensions: { spiffworkflow: spiffModdle },
    spiff: { operators: config.operators || [], forms: config.forms || [], labels },
  });
  window.cfModeler = modeler;

  const { data: version } = await api("GET", fill(config.api.version, config));
  const files = version.files || {};
  const bpmnFile = Object.keys(files).find((name) => name.endsWith(".bpmn"));
  if (!bpmnFile) {
    say(status, t("noBpmnFile"), "error");
    return;
  }
  const { warnings } = await modeler.importXML(files[bpmnFile]);
  fit(modeler, { leaveRoomLeft: 150 });
  root.dataset.importWarnings = String(warnings.length);
  root.dataset.state = "ready";
  if (warnings.length) say(status, `${t("importWarnings")}: ${warnings.length}`, "info");

  const list = $("#problem-list");
  const form = $("#deploy-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    clearProblems(modeler);
    list.replaceChildren();
    say(status, t("validating"), "info");
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const result = await validateAndDeploy(config, { ...files, [bpmnFile]: xml }, $("#note").value);
      showProblems(modeler, result.problems);
      problemList(modeler, list, result.problems, t);
      if (result.deployed) {
        files[bpmnFile] = xml;
        say(status, deployedText(result.deployed, t), "success");
        root.dataset.state = "deployed";
      } else {
        say(status, `${t("notDeployed")}: ${result.problems.length}`, "error");
        root.dataset.state = "invalid";
      }
    } catch (error) {
      say(status, `${t("failed")}: ${error.message}`, "error");
    } finally {
      button.disabled = false;
    }
  });
}

main().catch((error) => {
  const status = document.getElementById("modeler-status");
  if (status) say(status, error.message, "error");
  document.getElementById("admin-app").dataset.state = "error";
});
