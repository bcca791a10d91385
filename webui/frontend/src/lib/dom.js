// Tiny DOM helpers: build elements without innerHTML, so API data is never parsed as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function $(selector, root = document) {
  return root.querySelector(selector);
}

/** The page root: its data-config and data-labels (JSON rendered by the server). */
let shippedNames = null;

/** A name we ship (process, task, DMN column) in the reader's language; others as written. */
export function shippedName(name) {
  if (shippedNames === null) {
    const root = document.getElementById("admin-app");
    shippedNames = JSON.parse(root?.dataset.labels || "{}");
  }
  return (name && shippedNames[`name:${name}`]) || name;
}

export function pageRoot() {
  const root = document.getElementById("admin-app");
  const config = JSON.parse(root.dataset.config || "{}");
  const labels = JSON.parse(root.dataset.labels || "{}");
  const t = (key) => labels[key] || key;
  return { root, config, labels, t };
}

export function formatDate(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  });
}

export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(Number(seconds));
  if (Number(seconds) > 0 && s < 1) return "<1s";
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86400) return `${(s / 3600).toFixed(1)}h`;
  return `${(s / 86400).toFixed(1)}d`;
}

/** Show a message in a status element (role=status/alert set by the template). */
export function say(node, message, kind = "info") {
  if (!node) return;
  node.hidden = !message;
  node.className = `flash flash-${kind}`;
  node.textContent = message || "";
}
