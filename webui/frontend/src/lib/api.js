// JSON calls to /api/v1 with the session cookie and the page's CSRF token.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || "";
    this.details = error.details || {};
    this.body = body;
  }
}

let csrfToken = "";

export function setCsrfToken(token) {
  csrfToken = token || "";
}

export async function api(method, url, body) {
  const headers = { Accept: "application/json" };
  if (csrfToken) headers["X-CSRFToken"] = csrfToken;
  let payload;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(url, { method, headers, body: payload, credentials: "same-origin" });
  const raw = await response.text();
  let data = null;
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch {
      data = { error: { code: "not_json", message: `HTTP ${response.status}` } };
    }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return { status: response.status, data };
}

/** Replace `{name}` placeholders in a URL template with encoded values. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(values[name] ?? ""));
}
