// Read-only admin pages around a bpmn-js NavigatedViewer; the page root names the page.

import { setCsrfToken } from "./lib/api.js";
import { pageRoot, say } from "./lib/dom.js";
import { heatmapPage } from "./pages/heatmap.js";
import { importPage } from "./pages/import.js";
import { instancePage } from "./pages/instance.js";
import { instancesPage } from "./pages/instances.js";
import { processesPage } from "./pages/processes.js";

const PAGES = {
  processes: processesPage,
  instances: instancesPage,
  instance: instancePage,
  heatmap: heatmapPage,
  import: importPage,
};

const page = pageRoot();
setCsrfToken(page.config.csrfToken);
PAGES[page.root.dataset.page](page).catch((error) => {
  say(document.querySelector("[data-page-status]"), error.message, "error");
  page.root.dataset.state = "error";
});
