// Import a BPMN file made elsewhere: it always opens in the viewer; the server answers
// "deployed vN" or, element by element, what is missing.

import { api } from "../lib/api.js";
import { focusElement, hasElement, mark } from "../lib/diagram.js";
import { $, el, say } from "../lib/dom.js";
import { createViewer, showDiagram } from "../lib/viewer.js";

export async function importPage({ config, t }) {
  const viewer = createViewer("#import-canvas");
  const form = $("#import-form");
  const status = $("#import-status");
  const missing = $("#import-missing");
  const box = $("#import-diagram");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = form.file.files[0];
    if (!file) return;
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    missing.replaceChildren();
    box.dataset.state = "loading";
    $("#admin-app").dataset.state = "loading";
    say(status, t("uploading"), "info");
    try {
      try {
        await showDiagram(viewer, await file.text(), box);
      } catch (error) {
        box.dataset.state = "unreadable";
        say($("#import-viewer-status"), `${t("viewerFailed")}: ${error.message}`, "error");
      }
      const body = new FormData();
      body.append("file", file);
      if (form.note.value) body.append("note", form.note.value);
      try {
        const { data } = await api("POST", config.api.import, body);
        if (data.status === "deployed") {
          const text = data.deployed.map((d) => `${t("deployed")} ${d.key} v${d.version}`).join(", ");
          say(status, text, "success");
        } else {
          const rows = data.missing || [];
          say(status, `${t("notDeployable")}: ${rows.length}`, "error");
          mark(viewer, rows.map((r) => r.element_id), "cf-problem-error");
          missing.replaceChildren(
            ...rows.map((r) =>
              el("tr", { class: "cf-missing-row" },
                el("td", {}, el("button", { type: "button", class: "link-button", text: r.element_id || "–", disabled: !hasElement(viewer, r.element_id), onclick: () => focusElement(viewer, r.element_id) })),
                el("td", { text: r.element_name || "" }),
                el("td", { text: r.element_type || "" }),
                el("td", { text: r.what_to_add || "" }))),
          );
        }
      } catch (error) {
        say(status, `${t("rejected")}: ${error.message}`, "error");
      }
    } finally {
      button.disabled = false;
      $("#admin-app").dataset.state = "done";
    }
  });
}
