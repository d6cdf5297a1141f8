/*
 * Student pages that follow the event stream (the order page, the print-jobs page).
 *
 * The page marks one container `data-live` with the event type it cares about
 * (`data-live-type`, and `data-live-id` for one order). When such an event arrives, the page
 * fetches its own URL again and swaps that container's content for the fresh one: the server's
 * HTML stays the one source of truth, whatever the template shows. Then a polite live region says
 * what changed ("Your order is ready."). Elements marked `data-live-keep` (with an id) are kept
 * as they are across swaps (the notify button with its state). Pay buttons and confirming forms
 * work in swapped content (site.js listens on the document); content that needs more of the page
 * script than that makes the page reload instead, and it says what changed after the reload. Without JavaScript the page refreshes itself as before.
 * The stream opens at the page's `data-live-since` (an event id taken before the page was read), so
 * a change between the page's reading and the stream's opening is replayed.
 * Focus inside the container stays where it was across a swap (the same element by id, else the
 * same n-th control of its kind); when that control is gone, the container takes it, not the body.
 */
import { follow } from "../common/events.js";

// What site.js binds to elements at load (not on the document): such content needs a reload.
const NEEDS_SCRIPT = "form[data-item-form], form[data-cart], form[data-estimate-url], [data-cooldown-seconds], [data-focus]";
const NOTE_KEY = "tnt-live-note";
const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";

// Where focus is inside `root`, in words that survive the swap (null: it is not inside).
function focusPlace(root) {
  const el = document.activeElement;
  if (!el || el === root || !root.contains(el)) return null;
  const same = Array.from(root.querySelectorAll(el.tagName)).filter((c) => c.matches(FOCUSABLE));
  return { id: el.id, tag: el.tagName, index: same.indexOf(el), text: (el.textContent || "").trim() };
}

function focusBack(root, place) {
  if (!place || root.contains(document.activeElement)) return;
  let el = place.id ? document.getElementById(place.id) : null;
  if (!el || !root.contains(el)) {
    const same = Array.from(root.querySelectorAll(place.tag)).filter((c) => c.matches(FOCUSABLE));
    el = same.find((c) => (c.textContent || "").trim() === place.text) || same[place.index] || null;
  }
  if (!el || el.disabled || el.hidden) {
    if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "-1");
    el = root;
  }
  el.focus({ preventScroll: true });
}

// The page's words in its language: a JSON block the template writes ({% script_words "live" %}).
const WORDS = (() => {
  const el = document.getElementById("words-live");
  try { return el ? JSON.parse(el.textContent) : {}; } catch { return {}; }
})();
const say = (key, id) => (WORDS[key] || key).replace("%(id)s", String(id));
const ORDER_STATUSES = ["paid", "accepted", "ready", "unclaimed", "completed", "rejected", "cancelled", "expired"];
const JOB_STATUSES = ["accepted", "ready", "paid", "completed", "rejected", "cancelled"];

function words(event, before) {
  if (event.type.startsWith("order.")) {
    if (before === event.status || !ORDER_STATUSES.includes(event.status)) return say("order_updated");
    return say("order_" + event.status);
  }
  return say(JOB_STATUSES.includes(event.status) ? "job_" + event.status : "job_updated", event.id);
}

function liveRegion(root) {
  let region = document.querySelector("[data-live-announce]");
  if (!region) {
    region = document.createElement("p");
    region.className = "live-note";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    region.setAttribute("data-live-announce", "");
    region.setAttribute("data-testid", "live-note");
    root.parentNode.insertBefore(region, root);
  }
  return region;
}

function start(root) {
  const type = root.dataset.liveType || "";
  const id = root.dataset.liveId ? Number(root.dataset.liveId) : null;
  const region = liveRegion(root);
  let status = root.dataset.liveStatus || "";
  let busy = false;
  let queued = null; // the note of an event that came during a refresh (null: none)

  function announce(text) {
    if (!text) return;
    // Emptied first, so the same words twice are still read out.
    region.textContent = "";
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  try {
    const saved = window.sessionStorage.getItem(NOTE_KEY);
    if (saved) {
      window.sessionStorage.removeItem(NOTE_KEY);
      const note = JSON.parse(saved);
      if (note.url === window.location.href) announce(note.text);
    }
  } catch { /* private mode */ }

  function reloadWith(text) {
    try { window.sessionStorage.setItem(NOTE_KEY, JSON.stringify({ url: window.location.href, text })); } catch { /* ignore */ }
    window.location.reload();
  }

  async function refresh(note) {
    if (busy) { queued = note || queued || ""; return; }
    busy = true;
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" },
      });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = fresh.querySelector("[data-live]");
      if (!next || next.dataset.liveType !== root.dataset.liveType) { reloadWith(note); return; }
      if (next.querySelector(NEEDS_SCRIPT)) { reloadWith(note); return; }
      const place = focusPlace(root); // before the kept elements move (moving one drops its focus)
      for (const kept of root.querySelectorAll("[data-live-keep][id]")) {
        const twin = next.querySelector("#" + CSS.escape(kept.id));
        if (twin) twin.replaceWith(kept);
      }
      const nodes = Array.from(next.childNodes); // a copy: adopting a node takes it out of `next`
      root.replaceChildren(...nodes.map((node) => document.adoptNode(node)));
      focusBack(root, place);
      status = next.dataset.liveStatus || status;
      root.dataset.liveStatus = status;
      if (fresh.title) document.title = fresh.title;
      announce(note);
    } catch {
      /* the network: the next event (or the page's poll) tries again */
    } finally {
      busy = false;
      if (queued !== null) { const again = queued; queued = null; refresh(again); }
    }
  }

  // The page's poll (site.js) saw the status move while the stream was down: as the stream's event.
  document.addEventListener("tnt:status-moved", (moved) => {
    const detail = moved.detail || {};
    if (id !== null && detail.id !== id) return;
    moved.preventDefault();
    refresh(words({ type, id: detail.id, status: detail.status }, status));
  });

  // The stream starts where the page's reading did: what changed in between is replayed, not lost.
  const since = root.dataset.liveSince || "";
  follow({
    url: since ? "/api/v1/events?last_event_id=" + encodeURIComponent(since) : undefined,
    onEvent(event) {
      if (event.type !== type) return;
      if (id !== null && event.id !== id) return;
      const note = words(event, status);
      refresh(note);
    },
    // Back after a drop: whatever was missed beyond the replay, the page is fetched once.
    onOpen(reconnected) { if (reconnected) refresh(""); },
  });
}

const root = document.querySelector("[data-live]");
if (root) start(root);
