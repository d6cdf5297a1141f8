/* The dashboard's side of the shared API helper: paths under /api/v1/, every page of a list,
   and the one place that notices the session has ended. */
import { ApiError, inWords, query, request } from "../common/api.js";

export { ApiError, inWords, query };

const config = JSON.parse(document.getElementById("dashboard-config").textContent);
export { config };

const SIGNED_OUT = new Set(["not_authenticated", "authentication_failed", "account_blocked"]);
const signedOutListeners = [];
export const onSignedOut = (listener) => signedOutListeners.push(listener);

const url = (path) => (path.charAt(0) === "/" ? path : config.api_base + path);

export async function api(method, path, body, options = {}) {
  try {
    return await request(url(path), { method, body, ...options });
  } catch (error) {
    if (SIGNED_OUT.has(error.code)) signedOutListeners.forEach((listener) => listener(error));
    throw error;
  }
}

export const get = (path, params, options) => api("GET", path + query(params), undefined, options);
export const post = (path, body) => api("POST", path, body || {});
export const patch = (path, body) => api("PATCH", path, body);
export const remove = (path) => api("DELETE", path);

// Every page of a list, following `next` (bounded: a counter never has thousands open at once).
export async function listAll(path, params, options) {
  let data = await get(path, { page_size: 100, ...params }, options);
  if (Array.isArray(data)) return data;
  let results = data.results || [];
  for (let pages = 1; data.next && pages < 10; pages += 1) {
    const next = new URL(data.next, window.location.origin);
    data = await api("GET", next.pathname + next.search, undefined, options);
    results = results.concat(data.results || []);
  }
  return results;
}
