// Properties panel groups for our SpiffWorkflow extensions: forms and assignment of
// user tasks, service-task operators with parameters, called decisions, scripts and
// lanes. Options (operators, form files) and labels come from the page, via
// the modeler's `spiff` config.

import {
  Group,
  ListGroup,
  SelectEntry,
  TextAreaEntry,
  TextFieldEntry,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { h } from "@bpmn-io/properties-panel/preact";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import {
  addParameter,
  getBody,
  getOperator,
  getParameters,
  getProperty,
  removeParameter,
  setBody,
  setOperatorAttr,
  setProperty,
} from "./extensions.js";

const PRIORITY = 400;

function text(props) {
  const debounce = useService("debounceInput");
  return h(TextFieldEntry, { ...props, debounce });
}

function area(props) {
  const debounce = useService("debounceInput");
  return h(TextAreaEntry, { ...props, debounce, monospace: true, rows: 4, autoResize: true });
}

function select(props) {
  return h(SelectEntry, props);
}

function hint(props) {
  return h("div", { class: "bio-properties-panel-description cf-panel-hint" }, props.text);
}

function optionsWith(values, current, emptyLabel) {
  const options = [{ value: "", label: emptyLabel }];
  for (const value of values) options.push({ value, label: value });
  if (current && !values.includes(current)) options.push({ value: current, label: current });
  return options;
}

function laneOf(element) {
  const bo = getBusinessObject(element);
  const process = bo.$parent;
  const lanes = [];
  const visit = (laneSet) => {
    for (const lane of laneSet?.get("lanes") || []) {
      lanes.push(lane);
      visit(lane.childLaneSet);
    }
  };
  for (const laneSet of process?.get?.("laneSets") || []) visit(laneSet);
  const mine = lanes.filter((lane) => (lane.get("flowNodeRef") || []).includes(bo));
  return mine.length ? mine[mine.length - 1] : null;
}

export default class SpiffPropertiesProvider {
  constructor(propertiesPanel, injector, spiff) {
    this._injector = injector;
    this._spiff = spiff || {};
    propertiesPanel.registerProvider(PRIORITY, this);
  }

  label(key) {
    return (this._spiff.labels || {})[key] || key;
  }

  getGroups(element) {
    return (groups) => {
      const added = [];
      if (is(element, "bpmn:UserTask")) added.push(this.userTaskGroup(element));
      if (is(element, "bpmn:ServiceTask")) {
        added.push(this.operatorGroup(element), this.parametersGroup(element));
      }
      if (is(element, "bpmn:BusinessRuleTask")) added.push(this.decisionGroup(element));
      if (is(element, "bpmn:ScriptTask")) added.push(this.scriptGroup(element));
      if (is(element, "bpmn:Task") || is(element, "bpmn:SubProcess")) {
        added.push(this.prePostGroup(element));
      }
      if (is(element, "bpmn:Lane")) added.push(this.laneGroup(element));
      const at = Math.min(1, groups.length);
      groups.splice(at, 0, ...added);
      return groups;
    };
  }

  propertyEntry(element, id, name, label, description) {
    const injector = this._injector;
    return {
      id,
      element,
      label,
      description,
      component: text,
      isEdited: isTextFieldEntryEdited,
      getValue: () => getProperty(element, name),
      setValue: (value) => setProperty(element, name, (value || "").trim(), injector),
    };
  }

  formSelect(element, id, name, label, suffix) {
    const injector = this._injector;
    const files = (this._spiff.forms || []).filter((f) => f.endsWith(suffix));
    return {
      id,
      element,
      label,
      component: select,
      isEdited: isSelectEntryEdited,
      getValue: () => getProperty(element, name),
      setValue: (value) => setProperty(element, name, value, injector),
      getOptions: () => optionsWith(files, getProperty(element, name), this.label("none")),
    };
  }

  userTaskGroup(element) {
    const entries = [
      this.formSelect(element, "cf-form-schema", "formJsonSchemaFilename", this.label("formSchema"), ".schema.json"),
      this.formSelect(element, "cf-form-uischema", "formUiSchemaFilename", this.label("uiSchema"), ".uischema.json"),
      this.propertyEntry(element, "cf-candidate-groups", "candidateGroups", this.label("candidateGroups"), this.label("candidateGroupsHint")),
      this.propertyEntry(element, "cf-candidate-users", "candidateUsers", this.label("candidateUsers"), this.label("candidateUsersHint")),
      this.propertyEntry(element, "cf-due-in", "dueIn", this.label("dueIn"), this.label("dueInHint")),
    ];
    const lane = laneOf(element);
    if (lane?.name) {
      entries.push({
        id: "cf-lane-hint",
        component: hint,
        text: `${this.label("inLane")}: ${lane.name}`,
      });
    }
    return { id: "cf-user-task", label: this.label("userTaskGroup"), component: Group, entries };
  }

  operatorGroup(element) {
    const injector = this._injector;
    const operators = this._spiff.operators || [];
    return {
      id: "cf-operator",
      label: this.label("operatorGroup"),
      component: Group,
      entries: [
        {
          id: "cf-operator-name",
          element,
          label: this.label("operator"),
          component: select,
          isEdited: isSelectEntryEdited,
          getValue: () => getOperator(element)?.id || "",
          setValue: (value) => setOperatorAttr(element, "id", value, injector),
          getOptions: () => optionsWith(operators, getOperator(element)?.id, this.label("choose")),
        },
        {
          id: "cf-result-variable",
          element,
          label: this.label("resultVariable"),
          component: text,
          isEdited: isTextFieldEntryEdited,
          getValue: () => getOperator(element)?.resultVariable || "",
          setValue: (value) => setOperatorAttr(element, "resultVariable", (value || "").trim(), injector),
        },
      ],
    };
  }

  parametersGroup(element) {
    const injector = this._injector;
    const items = getParameters(element).map((parameter, index) => {
      const attr = (name, label, description) => ({
        id: `cf-param-${index}-${name}`,
        element,
        label,
        description,
        component: text,
        isEdited: isTextFieldEntryEdited,
        getValue: () => parameter.get(name) || "",
        setValue: (value) =>
          injector.get("modeling").updateModdleProperties(element, parameter, { [name]: value }),
      });
      return {
        id: `cf-param-${index}`,
        label: parameter.id || "?",
        entries: [
          attr("id", this.label("paramName")),
          attr("type", this.label("paramType")),
          attr("value", this.label("paramValue"), this.label("paramValueHint")),
        ],
        autoFocusEntry: `cf-param-${index}-id`,
        remove: () => removeParameter(element, parameter, injector),
      };
    });
    return {
      id: "cf-parameters",
      label: this.label("parameters"),
      component: ListGroup,
      element,
      items,
      add: (event) => {
        event.stopPropagation();
        addParameter(element, injector);
      },
    };
  }

  decisionGroup(element) {
    const injector = this._injector;
    return {
      id: "cf-decision",
      label: this.label("decisionGroup"),
      component: Group,
      entries: [
        {
          id: "cf-called-decision",
          element,
          label: this.label("calledDecision"),
          description: this.label("calledDecisionHint"),
          component: text,
          isEdited: isTextFieldEntryEdited,
          getValue: () => getBody(element, "spiffworkflow:CalledDecisionId"),
          setValue: (value) =>
            setBody(element, "spiffworkflow:CalledDecisionId", (value || "").trim(), injector),
        },
      ],
    };
  }

  scriptGroup(element) {
    const injector = this._injector;
    return {
      id: "cf-script",
      label: this.label("scriptGroup"),
      component: Group,
      entries: [
        {
          id: "cf-script-body",
          element,
          label: this.label("script"),
          description: this.label("scriptHint"),
          component: area,
          isEdited: isTextAreaEntryEdited,
          getValue: () => getBusinessObject(element).get("script") || "",
          setValue: (value) =>
            injector.get("modeling").updateProperties(element, {
              scriptFormat: "python",
              script: value || undefined,
            }),
        },
      ],
    };
  }

  prePostGroup(element) {
    const injector = this._injector;
    const entry = (id, type, label) => ({
      id,
      element,
      label,
      component: area,
      isEdited: isTextAreaEntryEdited,
      getValue: () => getBody(element, type),
      setValue: (value) => setBody(element, type, value, injector),
    });
    return {
      id: "cf-pre-post",
      label: this.label("prePostGroup"),
      component: Group,
      entries: [
        entry("cf-pre-script", "spiffworkflow:PreScript", this.label("preScript")),
        entry("cf-post-script", "spiffworkflow:PostScript", this.label("postScript")),
      ],
    };
  }

  laneGroup(element) {
    const name = getBusinessObject(element).name || "";
    return {
      id: "cf-lane",
      label: this.label("laneGroup"),
      component: Group,
      entries: [
        {
          id: "cf-lane-hint",
          component: hint,
          text: name ? `${this.label("laneHint")} ${name}` : this.label("laneHint"),
        },
      ],
    };
  }
}

SpiffPropertiesProvider.$inject = ["propertiesPanel", "injector", "config.spiff"];
