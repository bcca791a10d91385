// Read and write our SpiffWorkflow extension elements through bpmn-js commands, so
// every change is undoable and lands in the saved XML.

import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

export function extensionOf(bo, type) {
  const values = bo.get("extensionElements")?.get("values") || [];
  return values.find((value) => is(value, type));
}

/** Return the extension element of `type` on the element, creating it (and its parents) if needed. */
export function ensureExtension(element, type, injector) {
  const modeling = injector.get("modeling");
  const moddle = injector.get("moddle");
  const bo = getBusinessObject(element);
  let container = bo.get("extensionElements");
  if (!container) {
    container = moddle.create("bpmn:ExtensionElements", { values: [] });
    container.$parent = bo;
    modeling.updateModdleProperties(element, bo, { extensionElements: container });
  }
  let found = container.get("values").find((value) => is(value, type));
  if (!found) {
    found = moddle.create(type);
    found.$parent = container;
    modeling.updateModdleProperties(element, container, {
      values: [...container.get("values"), found],
    });
  }
  return found;
}

/** Remove the extension element of `type` (if any). */
export function removeExtension(element, type, injector) {
  const bo = getBusinessObject(element);
  const container = bo.get("extensionElements");
  const found = container && extensionOf(bo, type);
  if (!found) return;
  injector.get("modeling").updateModdleProperties(element, container, {
    values: container.get("values").filter((value) => value !== found),
  });
}

export function getProperty(element, name) {
  const props = extensionOf(getBusinessObject(element), "spiffworkflow:Properties");
  const found = (props?.get("properties") || []).find((p) => p.name === name);
  return found ? found.value || "" : "";
}

/** Set a spiffworkflow:property by name; an empty value removes it. */
export function setProperty(element, name, value, injector) {
  const modeling = injector.get("modeling");
  const bo = getBusinessObject(element);
  const existing = extensionOf(bo, "spiffworkflow:Properties");
  if (!value && !existing) return;
  const props = existing || ensureExtension(element, "spiffworkflow:Properties", injector);
  const list = props.get("properties");
  const found = list.find((p) => p.name === name);
  if (!value) {
    if (found) modeling.updateModdleProperties(element, props, { properties: list.filter((p) => p !== found) });
    return;
  }
  if (found) {
    modeling.updateModdleProperties(element, found, { value });
    return;
  }
  const created = injector.get("moddle").create("spiffworkflow:Property", { name, value });
  created.$parent = props;
  modeling.updateModdleProperties(element, props, { properties: [...list, created] });
}

/** Body text of a body-only extension (calledDecisionId, preScript, postScript). */
export function getBody(element, type) {
  return extensionOf(getBusinessObject(element), type)?.value || "";
}

export function setBody(element, type, value, injector) {
  if (!value) {
    removeExtension(element, type, injector);
    return;
  }
  const found = ensureExtension(element, type, injector);
  injector.get("modeling").updateModdleProperties(element, found, { value });
}

export function getOperator(element) {
  return extensionOf(getBusinessObject(element), "spiffworkflow:ServiceTaskOperator");
}

export function setOperatorAttr(element, attr, value, injector) {
  const operator = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", injector);
  injector.get("modeling").updateModdleProperties(element, operator, { [attr]: value || undefined });
}

export function getParameters(element) {
  return getOperator(element)?.get("parameterList")?.get("parameters") || [];
}

export function addParameter(element, injector) {
  const modeling = injector.get("modeling");
  const moddle = injector.get("moddle");
  const operator = ensureExtension(element, "spiffworkflow:ServiceTaskOperator", injector);
  let list = operator.get("parameterList");
  if (!list) {
    list = moddle.create("spiffworkflow:Parameters", { parameters: [] });
    list.$parent = operator;
    modeling.updateModdleProperties(element, operator, { parameterList: list });
  }
  const taken = new Set(list.get("parameters").map((p) => p.id));
  let n = list.get("parameters").length + 1;
  while (taken.has(`param_${n}`)) n += 1;
  const parameter = moddle.create("spiffworkflow:Parameter", {
    id: `param_${n}`,
    type: "str",
    value: "",
  });
  parameter.$parent = list;
  modeling.updateModdleProperties(element, list, {
    parameters: [...list.get("parameters"), parameter],
  });
}

export function removeParameter(element, parameter, injector) {
  const list = getOperator(element)?.get("parameterList");
  if (!list) return;
  injector.get("modeling").updateModdleProperties(element, list, {
    parameters: list.get("parameters").filter((p) => p !== parameter),
  });
}
