/*
 * The one way the browser talks to Tap N Take's API, shared by the student pages
 * (static/pages/site.js) and the vendor dashboard (static/dashboard/api.js).
 *
 * - the session cookie goes along (same origin) and unsafe methods carry the CSRF token;
 * - the API's error envelope {"error": {"code", "message", "details"}} becomes an ApiError
 *   whose message is in plain words (inWords() adds the field details);
 * - reads (GET) are retried a few times when the network or a gateway hiccups; writes never are.
 */

// The page's words when it loaded Django's JavaScript catalogue (the dashboard does), else English.
const gettext = globalThis.gettext || ((text) => text);

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

// The token Django checks: the cookie when the page can read it, else the page's meta tag.
export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") : "";
}

const FIELD_LABELS = {
  price_paise: gettext("Price"), amount_paise: gettext("Amount"), capacity: gettext("Capacity"), starts_at: gettext("Start"),
  ends_at: gettext("End"), name: gettext("Name"), pickup_code: gettext("Pickup code"), reason: gettext("Reason"),
  is_open: gettext("Open"), unit: gettext("Unit"), category: gettext("Category"), description: gettext("Description"),
};

function detailLines(details, prefix) {
  let lines = [];
  if (!details || typeof details !== "object") return lines;
  for (const [key, value] of Object.entries(details)) {
    let label = key === "non_field_errors" ? "" : FIELD_LABELS[key] || key.replace(/_/g, " ");
    label = prefix ? prefix + (label ? " " + label : "") : label;
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      lines.push((label ? label + ": " : "") + value.join(" "));
    } else if (typeof value === "string") {
      lines.push((label ? label + ": " : "") + value);
    } else {
      lines = lines.concat(detailLines(value, label));
    }
  }
  return lines;
}

// An error's message with the envelope's field details, e.g. "Invalid input. Price: must be positive."
export function inWords(error) {
  if (!error) return gettext("Something went wrong. Try again.");
  const lines = detailLines(error.details);
  return lines.length ? error.message + " " + lines.join(" ") : error.message || gettext("Something went wrong. Try again.");
}

export function query(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === "") continue;
    parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
  }
  return parts.length ? "?" + parts.join("&") : "";
}

const RETRYABLE = new Set([0, 502, 503, 504]);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * request(url, {method, body, form, headers, retries, messages}) → the parsed JSON body (null for 204).
 * `body` is sent as JSON, `form` (a FormData) as multipart. `messages.network(…)` and
 * `messages.http(status)` word the failures that carry no envelope.
 */
export async function request(url, options = {}) {
  const method = (options.method || "GET").toUpperCase();
  const headers = { Accept: "application/json", ...(options.headers || {}) };
  const init = { method, headers, credentials: "same-origin" };
  if (options.form) {
    init.body = options.form;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken();
  const messages = options.messages || {};
  let retries = method === "GET" ? (options.retries ?? 2) : 0;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await once(url, init, messages);
    } catch (error) {
      if (!(error instanceof ApiError) || !RETRYABLE.has(error.status) || retries <= 0) throw error;
      retries -= 1;
      await sleep(300 * 2 ** attempt);
    }
  }
}

async function once(url, init, messages) {
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, "network", messages.network || gettext("Could not reach the server. Check the connection and try again."));
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    const text = await response.text();
    data = text ? JSON.parse(text) : {};
  } catch {
    data = null;
  }
  if (response.ok && data !== null) return data;
  const envelope = data && data.error;
  if (envelope) {
    throw new ApiError(response.status, envelope.code || "error", envelope.message || fallback(messages, response.status), envelope.details);
  }
  throw new ApiError(response.status, "http_" + response.status, fallback(messages, response.status));
}

function fallback(messages, status) {
  if (messages.http) return messages.http(status);
  if (status >= 500) return gettext("Something went wrong on our side. Try again in a moment.");
  return gettext("The request failed (HTTP %(status)s).").replace("%(status)s", status);
}
