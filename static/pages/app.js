/* Registers the service worker (/sw.js: push notifications and the offline page) on every page.
   A classic script, loaded with `defer`, so it can read its own data-sw-url. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  var url = script.getAttribute("data-sw-url") || "/sw.js";
  navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
    /* no worker (a private window, an old browser): the site works the same, without offline page or push */
  });
})();
