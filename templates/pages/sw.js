{% autoescape off %}/* Tap N Take's service worker (served by pages.views.installable at /sw.js, scope "/").

   - push: shows the notification push/ sends ({"title", "body", "url", "tag"});
   - notificationclick: focuses a tab already on that page, else opens it;
   - fetch: a page that cannot be reached (offline) gets the offline page; the few public
     static files that page needs come from the cache. Nothing else is ever stored: no API
     answer, no page with a user's data. Every other request goes to the network untouched. */
"use strict";

const VERSION = "{{ version }}";
const CACHE = "tnt-offline-" + VERSION;
const PRECACHE = {{ precache }};
const OFFLINE_URL = {{ offline_url }};
const ICON_URL = {{ icon_url }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "omit" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("tnt-") && name !== CACHE).map((name) => caches.delete(name)))),
  );
});

function samePath(url) {
  const parsed = new URL(url, self.location.origin);
  return parsed.origin === self.location.origin ? parsed.pathname + parsed.search : null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // The network first, always; the offline page only when there is no network at all.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  const path = samePath(request.url);
  if (path && PRECACHE.includes(path)) {
    event.respondWith(caches.match(path).then((hit) => hit || fetch(request)));
  }
});

// Only a page of this site: anything else in a payload opens the home page.
function targetOf(url) {
  return samePath(url || "/") || "/";
}

self.addEventListener("push", (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch (error) { message = { body: event.data ? event.data.text() : "" }; }
  const title = message.title || "Tap N Take";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    tag: message.tag || undefined,
    renotify: !!message.tag,
    icon: ICON_URL,
    badge: ICON_URL,
    data: { url: targetOf(message.url) },
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = targetOf(event.notification.data && event.notification.data.url);
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => client.url === target);
      if (open) return open.focus();
      return self.clients.openWindow(target);
    }),
  );
});
{% endautoescape %}
