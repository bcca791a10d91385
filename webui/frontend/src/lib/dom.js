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
  if (config.dates) useDateSettings(config.dates);
  return { root, config, labels, t };
}

// How the server writes a moment (Babel's CLDR pattern, month and AM/PM names, the user's
// time zone): scripts write the same text as the pages rendered by the server.
let dateSettings = null;

export function useDateSettings(settings) {
  dateSettings = settings;
}

const pad = (number, width) => String(number).padStart(width, "0");

/** The calendar fields of `date` as a wall clock in `timeZone` shows them. */
function fieldsIn(date, timeZone) {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  });
  const parts = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  return {
    y: Number(parts.year),
    M: Number(parts.month),
    d: Number(parts.day),
    H: Number(parts.hour) % 24,
    m: Number(parts.minute),
    s: Number(parts.second),
  };
}

/** Write `date` with a CLDR pattern ("MMM d, y, h:mm a") and the names in `settings`. */
export function formatPattern(date, settings) {
  const f = fieldsIn(date, settings.timeZone);
  return settings.pattern.replace(/'([^']*)'|([A-Za-z])\2*/g, (token, quoted) => {
    if (quoted !== undefined) return quoted || "'";
    const n = token.length;
    switch (token[0]) {
      case "y":
        return n === 2 ? pad(f.y % 100, 2) : pad(f.y, n);
      case "M":
      case "L":
        if (n === 3) return settings.months[f.M - 1];
        if (n >= 4) return settings.monthsWide[f.M - 1];
        return pad(f.M, n);
      case "d":
        return pad(f.d, n);
      case "H":
        return pad(f.H, n);
      case "h":
        return pad(f.H % 12 || 12, n);
      case "m":
        return pad(f.m, n);
      case "s":
        return pad(f.s, n);
      case "a":
        return f.H < 12 ? settings.dayPeriods.am : settings.dayPeriods.pm;
      default:
        return token;
    }
  });
}

export function formatDate(value) {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  if (dateSettings) return formatPattern(date, dateSettings);
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
