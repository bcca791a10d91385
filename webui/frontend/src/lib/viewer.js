// A read-only diagram (bpmn-js NavigatedViewer) that understands our extensions.

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn.css";

import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

import { fit } from "./diagram.js";
import spiffModdle from "./spiff-moddle.json";

export function createViewer(container) {
  return new NavigatedViewer({ container, moddleExtensions: { spiffworkflow: spiffModdle } });
}

/** Import XML, fit it, and record the warning count on the container for tests. */
export async function showDiagram(viewer, xml, container) {
  const { warnings } = await viewer.importXML(xml);
  fit(viewer);
  if (container) {
    container.dataset.importWarnings = String(warnings.length);
    container.dataset.state = "ready";
  }
  return warnings;
}

/** The BPMN file of a version's files: the named one, else the first .bpmn. */
export function bpmnOf(files, preferred) {
  if (preferred && files[preferred]) return files[preferred];
  const name = Object.keys(files || {}).find((n) => n.endsWith(".bpmn"));
  return name ? files[name] : null;
}
