/*
 * Tap N Take vendor dashboard.
 *
 * Plain script, no build step. Everything it shows and does goes through the
 * DRF API with the session cookie and the CSRF token, so the dashboard can do
 * nothing a vendor's API client could not do. Errors come from the API's
 * envelope ({"error": {"code", "message", "details"}}) and are shown in words.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("dashboard-config").textContent);
  var API = config.api_base;
  var isFood = config.vendor_type === "food";
  // Read by the browser tests: how many polls ran, how many new-order cues fired and beeps played.
  var probe = (window.tntDashboard = { polls: 0, cues: 0, beeps: 0 });

  /* ------------------------------------------------------------------ API */

  function ApiError(status, code, message, details) {
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.message = message;
    this.details = details || {};
  }
  ApiError.prototype = Object.create(Error.prototype);

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : meta ? meta.content : "";
  }

  var FIELD_LABELS = {
    price_paise: "Price",
    amount_paise: "Amount",
    capacity: "Capacity",
    starts_at: "Start",
    ends_at: "End",
    name: "Name",
    pickup_code: "Pickup code",
    reason: "Reason",
    is_open: "Open",
    unit: "Unit",
    category: "Category",
    description: "Description",
  };

  function detailLines(details, prefix) {
    var lines = [];
    if (!details || typeof details !== "object") return lines;
    Object.keys(details).forEach(function (key) {
      var value = details[key];
      var label = key === "non_field_errors" ? "" : FIELD_LABELS[key] || key.replace(/_/g, " ");
      label = prefix ? prefix + (label ? " " + label : "") : label;
      if (Array.isArray(value) && value.every(function (v) { return typeof v === "string"; })) {
        lines.push((label ? label + ": " : "") + value.join(" "));
      } else if (typeof value === "string") {
        lines.push((label ? label + ": " : "") + value);
      } else {
        lines = lines.concat(detailLines(value, label));
      }
    });
    return lines;
  }

  function plainMessage(body, status) {
    var err = body && body.error;
    if (!err) {
      if (status >= 500) return "Something went wrong on our side. Try again in a moment.";
      return "The request failed (HTTP " + status + ").";
    }
    var lines = detailLines(err.details);
    return lines.length ? err.message + " " + lines.join(" ") : err.message;
  }

  function query(params) {
    var parts = [];
    Object.keys(params || {}).forEach(function (key) {
      var value = params[key];
      if (value === undefined || value === null || value === "") return;
      parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function api(method, path, body) {
    var url = path.charAt(0) === "/" ? path : API + path;
    var headers = { Accept: "application/json" };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    if (method !== "GET" && method !== "HEAD") headers["X-CSRFToken"] = csrfToken();
    return fetch(url, options).then(
      function (resp) {
        if (resp.status === 204) return null;
        return resp.json().then(
          function (data) { return finish(resp, data); },
          function () { return finish(resp, null); }
        );
      },
      function () {
        throw new ApiError(0, "network", "Could not reach the server. Check the connection and try again.");
      }
    );
  }

  function finish(resp, data) {
    if (resp.ok) return data;
    var code = data && data.error ? data.error.code : "http_" + resp.status;
    var error = new ApiError(resp.status, code, plainMessage(data, resp.status), data && data.error ? data.error.details : {});
    if (code === "not_authenticated" || code === "authentication_failed" || code === "account_blocked") {
      signedOut(error);
    }
    throw error;
  }

  // Every page of a list, following `next` (bounded: a counter never has thousands open at once).
  function listAll(path, params) {
    var results = [];
    var url = API + path + query(Object.assign({ page_size: 100 }, params));
    function step(pageUrl, pagesLeft) {
      return api("GET", pageUrl).then(function (data) {
        if (Array.isArray(data)) return data;
        results = results.concat(data.results || []);
        if (data.next && pagesLeft > 1) {
          var next = new URL(data.next, window.location.origin);
          return step(next.pathname + next.search, pagesLeft - 1);
        }
        return results;
      });
    }
    return step(url, 10);
  }

  /* ------------------------------------------------------- money and time */

  var rupeeFormat = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function rupees(paise) {
    if (paise === null || paise === undefined) return "–";
    var sign = paise < 0 ? "−" : "";
    var abs = Math.abs(paise);
    return sign + "₹" + rupeeFormat.format(Math.floor(abs / 100) + (abs % 100) / 100);
  }

  // "45", "45.5", "₹1,045.50" → paise as an integer, without floating point; null when not a price.
  function toPaise(text) {
    var clean = String(text || "").trim().replace(/^₹\s*/, "").replace(/,/g, "");
    var match = clean.match(/^(\d{1,7})(?:\.(\d{1,2}))?$/);
    if (!match) return null;
    return parseInt(match[1], 10) * 100 + parseInt((match[2] || "").padEnd(2, "0") || "0", 10);
  }

  function paiseToInput(paise) {
    if (paise === null || paise === undefined) return "";
    var whole = Math.floor(paise / 100);
    var part = paise % 100;
    return part ? whole + "." + String(part).padStart(2, "0") : String(whole);
  }

  var timeFormat = new Intl.DateTimeFormat("en-IN", { timeZone: config.time_zone, hour: "2-digit", minute: "2-digit", hour12: false });
  var dayPartsFormat = new Intl.DateTimeFormat("en-GB", { timeZone: config.time_zone, year: "numeric", month: "2-digit", day: "2-digit" });
  var shortDayFormat = new Intl.DateTimeFormat("en-IN", { timeZone: config.time_zone, day: "numeric", month: "short" });
  var stampFormat = new Intl.DateTimeFormat("en-IN", { timeZone: config.time_zone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });

  function clock(iso) { return timeFormat.format(new Date(iso)); }
  function stamp(iso) { return stampFormat.format(new Date(iso)); }
  // The campus calendar day of an instant, as YYYY-MM-DD.
  function dayOf(dateOrIso) {
    var parts = {};
    dayPartsFormat.formatToParts(new Date(dateOrIso)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day;
  }
  function today() { return dayOf(new Date()); }
  function slotLabel(slot) {
    var label = clock(slot.starts_at) + "–" + clock(slot.ends_at);
    return dayOf(slot.starts_at) === today() ? label : shortDayFormat.format(new Date(slot.starts_at)) + ", " + label;
  }
  function localIso(day, hhmm) { return day + "T" + hhmm + ":00" + config.utc_offset; }

  /* ------------------------------------------------------------ the page */

  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) return;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(el.dataset, value);
      // CSSOM, not a style attribute: the Content-Security-Policy refuses inline style attributes.
      else if (key === "style") Object.assign(el.style, value);
      else el.setAttribute(key, value === true ? "" : value);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { if (c) el.appendChild(c); });
      else el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  function $(id) { return document.getElementById(id); }

  // Element.append() would write "null" for the optional parts left out.
  function appendAll(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.append(arguments[i]);
    return parent;
  }

  var alertTimer = null;
  function showError(error) {
    var message = error && error.message ? error.message : "Something went wrong. Try again.";
    $("alert-text").textContent = message;
    $("alert").hidden = false;
    clearTimeout(alertTimer);
    alertTimer = setTimeout(clearError, 20000);
    return message;
  }
  function clearError() { $("alert").hidden = true; }
  $("alert-close").addEventListener("click", clearError);

  var bannerTimer = null;
  function showBanner(text) {
    var banner = $("new-banner");
    banner.textContent = text;
    banner.hidden = false;
    clearTimeout(bannerTimer);
    bannerTimer = setTimeout(function () { banner.hidden = true; }, 15000);
  }

  var stopped = false;
  function signedOut(error) {
    if (stopped) return;
    stopped = true;
    $("live-status").textContent = "Signed out";
    $("alert-text").textContent = error.message + " ";
    $("alert-text").appendChild(h("a", { href: "/login?next=/dashboard/", text: "Sign in again" }));
    $("alert").hidden = false;
  }

  /*
   * Run one API action from a button: the button (and its siblings in `scope`)
   * stay disabled until the answer arrives, so a double tap cannot act twice.
   */
  function busy(button, scope, action) {
    if (button.disabled) return Promise.resolve();
    var controls = scope ? Array.prototype.slice.call(scope.querySelectorAll("button, input, select")) : [button];
    if (controls.indexOf(button) < 0) controls.push(button);
    var before = controls.map(function (c) { return c.disabled; });
    controls.forEach(function (c) { c.disabled = true; });
    button.setAttribute("aria-busy", "true");
    if (scope) scope.dataset.busy = "1";
    return Promise.resolve()
      .then(action)
      .then(function (result) { clearError(); return result; })
      .catch(function (error) { return { error: error, message: showError(error) }; })
      .then(function (result) {
        controls.forEach(function (c, i) { c.disabled = before[i]; });
        button.removeAttribute("aria-busy");
        if (scope) delete scope.dataset.busy;
        return result;
      });
  }

  /* --------------------------------------------------------------- sound */

  var audio = null;
  var soundWanted = window.localStorage.getItem("tnt-dashboard-sound") !== "off";
  var soundButton = $("sound-toggle");

  function unlockAudio() {
    if (!soundWanted) return;
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
    renderSoundButton();
  }
  function renderSoundButton() {
    var on = soundWanted && audio && audio.state !== "closed";
    soundButton.textContent = soundWanted ? (on ? "Sound on" : "Tap to enable sound") : "Sound off";
    soundButton.setAttribute("aria-pressed", soundWanted ? "true" : "false");
  }
  // Browsers only let a page make sound after a tap; the first tap anywhere unlocks it.
  document.addEventListener("pointerdown", unlockAudio, { once: true });
  soundButton.addEventListener("click", function () {
    soundWanted = !soundWanted;
    window.localStorage.setItem("tnt-dashboard-sound", soundWanted ? "on" : "off");
    if (soundWanted) { unlockAudio(); beep(); }
    renderSoundButton();
  });
  renderSoundButton();

  // Two short tones: loud enough for a busy counter, drawn by WebAudio, no sound file.
  function beep() {
    if (!soundWanted || !audio) return;
    if (audio.state === "suspended") audio.resume();
    var start = audio.currentTime + 0.01;
    [0, 0.22].forEach(function (offset, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = i ? 1320 : 880;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.2);
    });
    probe.beeps += 1;
    document.body.dataset.beeps = String(probe.beeps);
  }

  function newArrivalCue(text) {
    probe.cues += 1;
    document.body.dataset.cues = String(probe.cues);
    showBanner(text);
    beep();
  }

  /* ---------------------------------------------------------------- tabs */

  var loaders = {};
  var currentTab = null;
  function openTab(name) {
    var tabs = document.querySelectorAll(".tab");
    var found = false;
    tabs.forEach(function (tab) { if (tab.dataset.tab === name) found = true; });
    if (!found) name = tabs[0].dataset.tab;
    tabs.forEach(function (tab) {
      var selected = tab.dataset.tab === name;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      $("panel-" + tab.dataset.tab).hidden = !selected;
    });
    currentTab = name;
    if (window.location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
    if (loaders[name]) loaders[name]();
  }
  document.querySelectorAll(".tab").forEach(function (tab) {
    tab.addEventListener("click", function () { openTab(tab.dataset.tab); });
  });

  /* ----------------------------------------------------- open/closed switch */

  var openSwitch = $("shop-open");
  function renderOpen(isOpen) {
    openSwitch.checked = isOpen;
    $("shop-open-label").textContent = isOpen ? "Open · taking orders" : "Closed · paused";
  }
  api("GET", "vendor/shop").then(
    function (vendor) { renderOpen(!!vendor.is_open); openSwitch.disabled = false; },
    function (error) { $("shop-open-label").textContent = "Shop state unknown"; showError(error); }
  );
  function setShopOpen(wanted) {
    openSwitch.disabled = true;
    return api("PATCH", "vendor/shop", { is_open: wanted })
      .then(function (shop) { renderOpen(shop && "is_open" in shop ? !!shop.is_open : wanted); clearError(); })
      .catch(function (error) { renderOpen(!wanted); showError(error); })
      .then(function () { openSwitch.disabled = false; refreshSetup(); });
  }
  openSwitch.addEventListener("change", function () { setShopOpen(openSwitch.checked); });

  /* ------------------------------------------- first-order setup checklist */

  // Until the shop has taken its first order, the first screen lists what is still to do.
  var setupDone = false;
  function refreshSetup() {
    if (setupDone) return Promise.resolve();
    return api("GET", config.setup_url).then(function (setup) {
      var box = $("setup");
      if (setup.has_orders) { setupDone = true; box.hidden = true; return; }
      box.querySelectorAll("[data-step]").forEach(function (step) {
        var done = !!setup[step.dataset.step];
        step.classList.toggle("setup__step--done", done);
        step.querySelector(".setup__mark").textContent = done ? "✓" : "";
        var button = step.querySelector("button");
        if (button) button.hidden = done;
      });
      box.hidden = false;
    }).catch(function () {});
  }
  document.querySelectorAll("#setup [data-goto]").forEach(function (button) {
    button.addEventListener("click", function () { openTab(button.dataset.goto); });
  });
  document.querySelectorAll("#setup [data-open-shop]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (openSwitch.disabled) return; // the shop's state is still loading (or being changed)
      openSwitch.checked = true;
      setShopOpen(true);
    });
  });
  refreshSetup();

  /* ------------------------------------------------------------- polling */

  var pollTimer = null;
  function schedulePoll(run) {
    function tick() {
      if (stopped) return;
      run()
        .then(function () {
          refreshSetup();
          probe.polls += 1;
          document.body.dataset.polls = String(probe.polls);
          var live = $("live-status");
          live.classList.remove("live--stale");
          live.textContent = "Live · updated " + timeFormat.format(new Date());
        })
        .catch(function (error) {
          var live = $("live-status");
          live.classList.add("live--stale");
          live.textContent = "Connection problem: retrying";
          live.title = error.message || "";
        })
        .then(function () { pollTimer = setTimeout(tick, config.poll_ms); });
    }
    tick();
  }

  function statusBadge(status, label) {
    return h("span", { class: "status status--" + status, dataset: { status: status }, text: label || STATUS_LABELS[status] || status });
  }

  var STATUS_LABELS = {
    pending_payment: "Waiting for payment",
    paid: "Paid",
    accepted: "Accepted",
    ready: "Ready",
    completed: "Completed",
    cancelled: "Cancelled",
    rejected: "Rejected",
    expired: "Expired",
    submitted: "New",
  };

  /*
   * Where the money of an ended order or job went (captured, refunded), from the
   * dashboard's payment-state endpoint. Elements with data-payment-for="order:12"
   * are filled in whenever the states are loaded.
   */
  var paymentStates = new Map();

  function paymentWords(state) {
    if (!state) return "";
    if (state.refunded_paise > 0) {
      var words = "Refunded " + rupees(state.refunded_paise);
      if (state.refund_status === "pending") words += " · on its way to the student";
      return words;
    }
    if (state.refund_status === "failed") return "Refund failed · campus staff will retry it";
    return "Paid " + rupees(state.captured_paise) + " · refund not started yet";
  }

  function paintPayments(root) {
    (root || document).querySelectorAll("[data-payment-for]").forEach(function (el) {
      var state = paymentStates.get(el.dataset.paymentFor);
      el.textContent = paymentWords(state);
      el.dataset.refunded = state && state.refunded_paise > 0 ? "true" : "false";
    });
  }

  function loadPayments(kind, ids) {
    if (!ids.length) return Promise.resolve();
    var qs = ids.slice(0, 100).map(function (id) { return kind + "=" + encodeURIComponent(id); }).join("&");
    return api("GET", config.payment_states_url + "?" + qs).then(function (data) {
      data.results.forEach(function (state) {
        var key = state.order ? "order:" + state.order : "print_job:" + state.print_job;
        var known = paymentStates.get(key);
        // Several payments can exist for one payable; the one that moved money wins.
        if (!known || state.captured_paise >= known.captured_paise) paymentStates.set(key, state);
      });
      paintPayments();
    });
  }

  // Orders and jobs whose money may have moved back: look their payments up.
  var REFUNDABLE_ENDS = ["rejected", "cancelled"];
  function annotatePayments(rows) {
    var ids = rows.filter(function (r) { return REFUNDABLE_ENDS.indexOf(r.status) >= 0; }).map(function (r) { return r.id; });
    return loadPayments(isFood ? "order" : "print_job", ids).catch(function () {});
  }

  /*
   * Issue 16: staff refunded the whole capture of a live order or paid job, which cancelled it
   * (cancel_reason "refunded"). Its card stays on the counter for a while, saying so, so nobody
   * hands it over. An order or job that drops out of the live lists is looked up once to tell.
   */
  var REFUNDED_NOTICE = "Refunded — do not hand over";
  var REFUNDED_SHOWN_MS = 30 * 60 * 1000;
  function isRefundCancelled(row) { return !!row && row.status === "cancelled" && row.cancel_reason === "refunded"; }
  function refundedNotice() {
    return h("p", { class: "order__refunded", role: "alert", dataset: { testid: "refunded-notice" }, text: REFUNDED_NOTICE });
  }
  function lookUpVanished(path, ids) {
    return Promise.all(ids.map(function (id) {
      return api("GET", path + "/" + id).then(function (row) { return row; }, function () { return null; });
    }));
  }

  /* =============================================================== FOOD */

  function foodDashboard() {
    var queueEl = $("queue");
    var groups = new Map(); // slot id → {el, cards, slot}
    var cards = new Map(); // order id → card element
    var seenPaid = new Set();
    var firstLoad = true;
    var openPrep = new Set();
    var finished = new Map(); // order id → {order, until}: ended here a moment ago, still shown
    var slotCache = new Map(); // slot id → slot (with reserved/capacity when known)

    function itemsList(order) {
      return h("ul", { class: "order__items" }, (order.items || []).map(function (line) {
        return h("li", null, h("strong", { text: line.quantity + " × " }), line.name);
      }));
    }

    function orderCard(order) {
      var card = h("article", {
        class: "order order--" + order.status,
        id: "order-" + order.id,
        dataset: { orderId: String(order.id), version: order.status + "|" + (order.updated_at || "") },
      });
      var error = h("p", { class: "order__error", role: "alert" });
      var actions = h("div", { class: "order__actions" });

      function act(button, verb, body) {
        error.textContent = "";
        return busy(button, card, function () {
          return api("POST", "orders/" + order.id + "/" + verb, body || {});
        }).then(function (result) {
          if (result && result.error) {
            error.textContent = result.message;
            // Refused because staff refunded it meanwhile? Show that at once.
            if (result.error.code === "invalid_transition") {
              api("GET", "orders/" + order.id).then(function (fresh) {
                if (!isRefundCancelled(fresh)) return;
                finished.set(fresh.id, { order: fresh, until: Date.now() + REFUNDED_SHOWN_MS });
                upsertOrder(fresh);
                layout();
              }).catch(function () {});
            }
            return;
          }
          if (!result) return;
          if (["completed", "rejected", "cancelled"].indexOf(result.status) >= 0) {
            finished.set(result.id, { order: result, until: Date.now() + 120000 });
            showBanner("Order #" + result.id + " " + result.status + (result.reason ? ": " + result.reason : "") + ".");
          }
          upsertOrder(result);
          layout();
          if (result.status === "rejected") loadPayments("order", [result.id]).catch(function () {});
        });
      }

      function rejectForm() {
        var reason = h("input", { name: "reason", maxlength: "300", placeholder: "Reason, e.g. out of paneer", "aria-label": "Reason for rejecting order " + order.id });
        var confirm = h("button", { type: "submit", class: "btn btn--danger btn--small", text: "Reject order" });
        var cancel = h("button", { type: "button", class: "btn btn--ghost btn--small", text: "Keep" });
        var form = h("form", { class: "reject-form" }, reason, confirm, cancel);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          if (!reason.value.trim()) { error.textContent = "Tell the student why: type a reason."; reason.focus(); return; }
          act(confirm, "reject", { reason: reason.value.trim() });
        });
        cancel.addEventListener("click", function () { form.remove(); });
        return form;
      }

      function rejectButton() {
        return h("button", {
          type: "button", class: "btn btn--danger", text: "Reject…",
          onclick: function () {
            if (!card.querySelector(".reject-form")) {
              var form = rejectForm();
              actions.after(form);
              form.querySelector("input").focus();
            }
          },
        });
      }

      if (order.status === "paid") {
        var accept = h("button", { type: "button", class: "btn btn--primary", text: "Accept" });
        accept.addEventListener("click", function () { act(accept, "accept"); });
        actions.append(accept, rejectButton());
      } else if (order.status === "accepted") {
        var ready = h("button", { type: "button", class: "btn btn--ok", text: "Mark ready" });
        ready.addEventListener("click", function () { act(ready, "ready"); });
        actions.append(ready, rejectButton());
      } else if (order.status === "ready") {
        var code = h("input", {
          name: "pickup_code", inputmode: "numeric", autocomplete: "off", maxlength: "6", pattern: "[0-9]{6}",
          placeholder: "6-digit code", "aria-label": "Pickup code for order " + order.id,
        });
        var complete = h("button", { type: "submit", class: "btn btn--ok", text: "Complete" });
        var form = h("form", { class: "order__actions" }, h("label", null, "Student's pickup code", code), complete);
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var value = code.value.trim();
          if (!/^\d{6}$/.test(value)) { error.textContent = "The pickup code has 6 digits; ask the student for it."; code.focus(); return; }
          act(complete, "complete", { pickup_code: value });
        });
        actions = form;
      } else {
        var dismiss = h("button", { type: "button", class: "btn btn--ghost btn--small", text: "Dismiss" });
        dismiss.addEventListener("click", function () { finished.delete(order.id); card.remove(); cards.delete(order.id); layout(); });
        actions.append(dismiss);
        if (order.status !== "completed") actions.prepend(h("span", { class: "refund", dataset: { paymentFor: "order:" + order.id } }));
      }
      var refunded = isRefundCancelled(order);
      if (refunded) card.classList.add("order--refunded");

      appendAll(card,
        h("div", { class: "order__head" },
          h("span", { class: "order__id", text: "#" + order.id }),
          statusBadge(order.status, refunded ? "Refunded" : null),
          h("span", { class: "order__total", text: rupees(order.total_paise) })),
        refunded ? refundedNotice() : null,
        itemsList(order),
        order.note ? h("p", { class: "order__note", text: "“" + order.note + "”" }) : null,
        order.reason ? h("p", { class: "order__meta", text: "Reason: " + order.reason }) : null,
        h("p", { class: "order__meta", text: "Placed " + stamp(order.created_at) }),
        actions,
        error
      );
      if (order.status === "paid" && seenPaid.has("new:" + order.id)) card.classList.add("order--new");
      return card;
    }

    var orders = new Map(); // live orders on the counter, by id

    function upsertOrder(order) {
      var live = ["paid", "accepted", "ready"].indexOf(order.status) >= 0;
      if (live || finished.has(order.id)) orders.set(order.id, order);
      else orders.delete(order.id);
      if (finished.has(order.id)) finished.get(order.id).order = order;
    }

    function groupFor(slot) {
      var group = groups.get(slot.id);
      if (group) return group;
      var fill = h("span", { class: "slot-group__fill" });
      var prepButton = h("button", { type: "button", class: "btn btn--small", text: "Prep sheet", "aria-expanded": "false" });
      var prep = h("div", { class: "prep", hidden: true, "aria-live": "polite" });
      var list = h("div", { class: "cards" });
      var el = h("section", { class: "slot-group", id: "slot-" + slot.id, dataset: { slotId: String(slot.id) } },
        h("header", { class: "slot-group__head" },
          h("span", { class: "slot-group__time" }),
          fill,
          prepButton),
        prep,
        list);
      group = { el: el, fill: fill, prep: prep, list: list, prepButton: prepButton, slot: slot };
      prepButton.addEventListener("click", function () {
        if (openPrep.has(slot.id)) {
          openPrep.delete(slot.id);
          prep.hidden = true;
          prepButton.setAttribute("aria-expanded", "false");
        } else {
          openPrep.add(slot.id);
          prep.hidden = false;
          prepButton.setAttribute("aria-expanded", "true");
          busy(prepButton, null, function () { return loadPrep(group); });
        }
      });
      groups.set(slot.id, group);
      return group;
    }

    function prepLines(data) {
      var lines = Array.isArray(data) ? data : data.items || data.lines || data.results || [];
      return lines.map(function (line) {
        return {
          name: line.name || line.menu_item_name || ("Item " + (line.menu_item || line.menu_item_id || "")),
          quantity: line.quantity !== undefined ? line.quantity : line.total_quantity !== undefined ? line.total_quantity : line.total,
        };
      });
    }

    function loadPrep(group) {
      return api("GET", "slots/" + group.slot.id + "/prep-sheet").then(function (data) {
        var lines = prepLines(data || []);
        var count = data && data.orders !== undefined ? data.orders : data && data.order_count !== undefined ? data.order_count : null;
        group.prep.replaceChildren(
          h("h3", { text: "Prep sheet · " + slotLabel(group.slot) + (count !== null ? " · " + count + " order" + (count === 1 ? "" : "s") : "") }),
          lines.length
            ? h("table", { class: "table prep__table" }, h("tbody", null, lines.map(function (line) {
                return h("tr", { dataset: { item: line.name } }, h("td", { text: line.name }), h("td", { class: "qty", text: "× " + line.quantity }));
              })))
            : h("p", { class: "empty", text: "Nothing to prepare yet for this slot." })
        );
      });
    }

    function renderGroupHead(group) {
      var slot = slotCache.get(group.slot.id) || group.slot;
      group.slot = slot;
      group.el.querySelector(".slot-group__time").textContent = slotLabel(slot);
      group.el.classList.toggle("slot-group--past", new Date(slot.ends_at) < new Date());
      if (slot.capacity !== undefined) {
        var pct = slot.capacity ? Math.min(100, Math.round((100 * slot.reserved) / slot.capacity)) : 0;
        group.fill.replaceChildren(
          h("span", { class: "meter", "aria-hidden": "true" }, h("span", { class: "meter__bar", style: { width: pct + "%" } })),
          " " + slot.reserved + " / " + slot.capacity + " reserved" + (slot.is_active === false ? " · not taking orders" : "")
        );
        group.fill.dataset.reserved = String(slot.reserved);
        group.fill.dataset.capacity = String(slot.capacity);
      }
    }

    // Put groups and cards in place, rebuilding only cards whose order changed (typed codes survive polling).
    function layout() {
      finished.forEach(function (entry, id) { if (entry.until < Date.now()) { finished.delete(id); orders.delete(id); } });
      var wanted = new Map();
      var todayKey = today();
      slotCache.forEach(function (slot) { if (dayOf(slot.starts_at) === todayKey) wanted.set(slot.id, slot); });
      orders.forEach(function (order) { if (!wanted.has(order.slot.id)) wanted.set(order.slot.id, slotCache.get(order.slot.id) || order.slot); });
      var sorted = Array.from(wanted.values()).sort(function (a, b) { return new Date(a.starts_at) - new Date(b.starts_at) || a.id - b.id; });

      groups.forEach(function (group, id) { if (!wanted.has(id)) { group.el.remove(); groups.delete(id); openPrep.delete(id); } });
      sorted.forEach(function (slot) {
        var group = groupFor(slot);
        group.slot = slot;
        renderGroupHead(group);
        queueEl.appendChild(group.el);
      });

      var byId = new Set();
      Array.from(orders.values())
        .sort(function (a, b) { return new Date(a.created_at) - new Date(b.created_at) || a.id - b.id; })
        .forEach(function (order) {
          byId.add(order.id);
          var existing = cards.get(order.id);
          var version = order.status + "|" + (order.updated_at || "");
          var card = existing;
          if (!existing || (existing.dataset.version !== version && !existing.dataset.busy)) {
            card = orderCard(order);
            if (existing) existing.replaceWith(card);
            cards.set(order.id, card);
          }
          var group = groups.get(order.slot.id);
          if (card.parentNode !== group.list || group.list.lastElementChild !== card) group.list.appendChild(card);
        });
      cards.forEach(function (card, id) { if (!byId.has(id)) { card.remove(); cards.delete(id); } });

      var waiting = 0;
      orders.forEach(function (o) { if (o.status === "paid") waiting += 1; });
      $("queue-count").textContent = waiting ? String(waiting) : "";
      document.title = (waiting ? "(" + waiting + ") " : "") + config.shop_name + " · Dashboard · Tap N Take";
      if (!sorted.length) {
        if (!$("queue-empty")) queueEl.appendChild(h("p", { class: "empty", id: "queue-empty", text: "No slots today and no orders waiting. Create today's slots in the Slots tab." }));
      } else if ($("queue-empty")) {
        $("queue-empty").remove();
      }
    }

    function poll() {
      return Promise.all([
        listAll("slots", { vendor: config.vendor_id }),
        listAll("orders", { status: "paid" }),
        listAll("orders", { status: "accepted" }),
        listAll("orders", { status: "ready" }),
      ]).then(function (res) {
        res[0].forEach(function (slot) { slotCache.set(slot.id, slot); });
        var live = res[1].concat(res[2], res[3]);
        var liveIds = new Set(live.map(function (o) { return o.id; }));
        var vanished = [];
        orders.forEach(function (order, id) { if (!liveIds.has(id) && !finished.has(id)) vanished.push(id); });
        return lookUpVanished("orders", vanished).then(function (found) {
          found.forEach(function (order, i) {
            if (isRefundCancelled(order)) {
              finished.set(order.id, { order: order, until: Date.now() + REFUNDED_SHOWN_MS });
              orders.set(order.id, order);
            } else {
              orders.delete(vanished[i]);
            }
          });
          return afterLive(live);
        });
      });
    }

    function afterLive(live) {
      var fresh = [];
      live.forEach(function (order) {
        if (order.status === "paid" && !seenPaid.has(order.id)) {
          seenPaid.add(order.id);
          if (!firstLoad) { fresh.push(order); seenPaid.add("new:" + order.id); }
        }
        upsertOrder(order);
      });
      layout();
      firstLoad = false;
      if (fresh.length) {
        newArrivalCue(
          fresh.length === 1
            ? "New order #" + fresh[0].id + " for " + slotLabel(fresh[0].slot) + " · " + rupees(fresh[0].total_paise)
            : fresh.length + " new orders: " + fresh.map(function (o) { return "#" + o.id; }).join(", ")
        );
      }
      var prepLoads = [];
      openPrep.forEach(function (id) { var g = groups.get(id); if (g) prepLoads.push(loadPrep(g)); });
      var unsettled = [];
      finished.forEach(function (entry, id) {
        var state = paymentStates.get("order:" + id);
        if (entry.order.status !== "completed" && !(state && state.refund_status === "processed")) unsettled.push(id);
      });
      if (unsettled.length) prepLoads.push(loadPayments("order", unsettled).catch(function () {}));
      paintPayments(queueEl);
      return Promise.all(prepLoads);
    }

    schedulePoll(poll);
    slotsTab(slotCache);
    menuTab();
  }

  /* ------------------------------------------------------------ slots tab */

  function slotsTab(slotCache) {
    var form = $("slot-batch-form");
    var dayInput = $("slots-day");
    var tbody = document.querySelector("#slots-table tbody");
    form.elements.date.value = today();
    dayInput.value = today();

    function plan() {
      var f = form.elements;
      var day = f.date.value;
      var length = parseInt(f.minutes.value, 10);
      var capacity = parseInt(f.capacity.value, 10);
      if (!day || !f.first.value || !f.last.value) return { error: "Pick a day, a first start and a last end." };
      if (!(length >= 5 && length <= 240)) return { error: "Each slot lasts 5 to 240 minutes." };
      if (!(capacity >= 1 && capacity <= 1000)) return { error: "Orders per slot: 1 to 1000." };
      function minutes(hhmm) { var p = hhmm.split(":"); return parseInt(p[0], 10) * 60 + parseInt(p[1], 10); }
      function hhmm(total) { return String(Math.floor(total / 60)).padStart(2, "0") + ":" + String(total % 60).padStart(2, "0"); }
      var slots = [];
      for (var start = minutes(f.first.value); start + length <= minutes(f.last.value); start += length) {
        slots.push({ label: hhmm(start) + "–" + hhmm(start + length), starts_at: localIso(day, hhmm(start)), ends_at: localIso(day, hhmm(start + length)), capacity: capacity });
      }
      if (!slots.length) return { error: "The last slot must end after the first one starts, at least one slot length later." };
      if (slots.length > 48) return { error: "That is " + slots.length + " slots; make at most 48 at once." };
      return { slots: slots };
    }

    function preview() {
      var p = plan();
      $("slot-batch-preview").textContent = p.error ? p.error : p.slots.length + " slot" + (p.slots.length === 1 ? "" : "s") + ": " + p.slots.map(function (s) { return s.label; }).join(", ");
    }
    form.addEventListener("input", preview);
    preview();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var p = plan();
      if (p.error) { showError({ message: p.error }); return; }
      var button = form.querySelector("button[type=submit]");
      busy(button, form, function () {
        var made = 0;
        var failures = [];
        // One POST per slot, in order; a refused one does not stop the rest.
        return p.slots.reduce(function (chain, slot) {
          return chain.then(function () {
            return api("POST", "slots", { starts_at: slot.starts_at, ends_at: slot.ends_at, capacity: slot.capacity }).then(
              function (created) { made += 1; slotCache.set(created.id, created); },
              function (error) { failures.push(slot.label + ": " + error.message); }
            );
          });
        }, Promise.resolve()).then(function () {
          var summary = "Created " + made + " of " + p.slots.length + " slots.";
          if (failures.length) throw new ApiError(400, "partial", summary + " " + failures.join(" "));
          showBanner(summary);
          dayInput.value = form.elements.date.value;
          return load();
        });
      });
    });

    function row(slot) {
      var capacity = h("input", { type: "number", min: String(Math.max(1, slot.reserved)), max: "1000", value: String(slot.capacity), "aria-label": "Capacity of " + slotLabel(slot) });
      var save = h("button", { type: "button", class: "btn btn--small", text: "Save" });
      var active = h("input", { type: "checkbox", "aria-label": "Taking orders for " + slotLabel(slot) });
      active.checked = slot.is_active !== false;
      var remove = h("button", { type: "button", class: "btn btn--danger btn--small", text: "Delete" });
      var tr = h("tr", { dataset: { slotId: String(slot.id) } },
        h("td", { text: slotLabel(slot) }),
        h("td", { class: "reserved", text: String(slot.reserved) }),
        h("td", null, h("div", { class: "row-actions row-actions--start" }, capacity, save)),
        h("td", null, active),
        h("td", null, h("div", { class: "row-actions" }, remove)));
      function patch(button, body) {
        return busy(button, tr, function () { return api("PATCH", "slots/" + slot.id, body); }).then(function (result) {
          if (result && !result.error) { slotCache.set(result.id, result); tr.replaceWith(row(result)); showBanner("Saved " + slotLabel(result) + "."); }
          else if (result && result.error) { capacity.value = String(slot.capacity); active.checked = slot.is_active !== false; }
        });
      }
      save.addEventListener("click", function () {
        var value = parseInt(capacity.value, 10);
        if (!(value >= 1)) { showError({ message: "Capacity is a whole number of orders, at least 1." }); return; }
        patch(save, { capacity: value });
      });
      active.addEventListener("change", function () { patch(active, { is_active: active.checked }); });
      remove.addEventListener("click", function () {
        if (remove.dataset.confirm !== "1") { remove.dataset.confirm = "1"; remove.textContent = "Really delete?"; return; }
        busy(remove, tr, function () { return api("DELETE", "slots/" + slot.id); }).then(function (result) {
          if (!(result && result.error)) { slotCache.delete(slot.id); tr.remove(); showBanner("Deleted " + slotLabel(slot) + "."); }
        });
      });
      return tr;
    }

    function load() {
      var day = dayInput.value || today();
      // The API lists slots not yet ended unless asked for past ones too.
      var params = { vendor: config.vendor_id, upcoming: day < today() ? "false" : "" };
      return listAll("slots", params).then(function (slots) {
        var rows = slots.filter(function (s) { return dayOf(s.starts_at) === day; })
          .sort(function (a, b) { return new Date(a.starts_at) - new Date(b.starts_at); });
        rows.forEach(function (s) { slotCache.set(s.id, s); });
        tbody.replaceChildren.apply(tbody, rows.map(row));
        $("slots-empty").hidden = rows.length > 0;
      }, showError);
    }
    dayInput.addEventListener("change", load);
    loaders.slots = load;
  }

  /* ------------------------------------------------------------- menu tab */

  function catalogManager(opts) {
    // Shared by the menu (food) and print services (stationery): a list, an add/edit form, toggles.
    var form = $(opts.form);
    var tbody = document.querySelector("#" + opts.table + " tbody");
    var submit = $(opts.submit);
    var cancel = $(opts.cancel);

    function resetForm() {
      form.reset();
      form.elements.id.value = "";
      $(opts.title).textContent = opts.addTitle;
      submit.textContent = opts.addButton;
      cancel.hidden = true;
    }
    cancel.addEventListener("click", resetForm);

    function edit(item) {
      opts.fill(form.elements, item);
      form.elements.id.value = String(item.id);
      form.elements.price.value = paiseToInput(item.price_paise);
      form.elements.is_available.checked = !!item.is_available;
      $(opts.title).textContent = "Edit " + item.name;
      submit.textContent = "Save changes";
      cancel.hidden = false;
      form.scrollIntoView({ behavior: "smooth", block: "start" });
      form.elements.name.focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var f = form.elements;
      var price = toPaise(f.price.value);
      if (price === null || price < 1) { showError({ message: "Enter the price in rupees, like 45 or 45.50." }); f.price.focus(); return; }
      if (!f.name.value.trim()) { showError({ message: "Give it a name." }); f.name.focus(); return; }
      var body = Object.assign(opts.body(f), { name: f.name.value.trim(), price_paise: price, is_available: f.is_available.checked });
      var id = f.id.value;
      busy(submit, form, function () {
        return api(id ? "PATCH" : "POST", opts.path + (id ? "/" + id : ""), body);
      }).then(function (result) {
        if (result && !result.error) { showBanner((id ? "Saved " : "Added ") + result.name + " at " + rupees(result.price_paise) + "."); resetForm(); load(); }
      });
    });

    function row(item) {
      var available = h("input", { type: "checkbox", "aria-label": item.name + " available" });
      available.checked = !!item.is_available;
      var editButton = h("button", { type: "button", class: "btn btn--small", text: "Edit" });
      var remove = h("button", { type: "button", class: "btn btn--danger btn--small", text: "Remove" });
      var tr = h("tr", { dataset: { itemId: String(item.id), name: item.name } },
        opts.cells(item),
        h("td", { class: "price", text: rupees(item.price_paise) }),
        opts.extraCells ? opts.extraCells(item) : null,
        h("td", null, available),
        h("td", null, h("div", { class: "row-actions" }, editButton, remove)));
      available.addEventListener("change", function () {
        busy(available, tr, function () { return api("PATCH", opts.path + "/" + item.id, { is_available: available.checked }); })
          .then(function (result) { if (result && result.error) available.checked = !available.checked; else if (result) item = result; });
      });
      editButton.addEventListener("click", function () { edit(item); });
      remove.addEventListener("click", function () {
        if (remove.dataset.confirm !== "1") { remove.dataset.confirm = "1"; remove.textContent = "Really remove?"; return; }
        busy(remove, tr, function () { return api("DELETE", opts.path + "/" + item.id); }).then(function (result) {
          if (!(result && result.error)) { tr.remove(); showBanner("Removed " + item.name + "."); }
        });
      });
      return tr;
    }

    function load() {
      return listAll(opts.path, { vendor: config.vendor_id }).then(function (items) {
        var mine = items.filter(function (i) { return i.vendor === undefined || i.vendor === config.vendor_id; });
        tbody.replaceChildren.apply(tbody, mine.map(row));
        $(opts.empty).hidden = mine.length > 0;
        if (opts.onLoad) opts.onLoad(mine);
      }, showError);
    }
    loaders[opts.tab] = load;
    return load;
  }

  function menuTab() {
    catalogManager({
      tab: "menu", path: "menu-items", form: "menu-form", table: "menu-table", submit: "menu-submit", cancel: "menu-cancel",
      title: "menu-form-title", empty: "menu-empty", addTitle: "Add a dish", addButton: "Add dish",
      fill: function (f, item) { f.name.value = item.name; f.category.value = item.category || ""; f.description.value = item.description || ""; },
      body: function (f) { return { category: f.category.value.trim(), description: f.description.value.trim() }; },
      cells: function (item) {
        return [
          h("td", null, h("strong", { text: item.name }), item.description ? h("div", { class: "hint", text: item.description }) : null),
          h("td", { text: item.category || "–" }),
        ];
      },
    });
  }

  /* ========================================================= STATIONERY */

  function stationeryDashboard() {
    var jobsEl = $("jobs");
    jobsEl.classList.add("cards");
    var cards = new Map();
    var jobs = new Map();
    var seen = new Set();
    var fresh = new Set();
    var firstLoad = true;
    var services = new Map();
    var finished = new Map();

    function serviceName(id) {
      var s = services.get(id);
      return s ? s.name + (s.unit === "job" ? " (per job)" : "") : "Service #" + id;
    }

    function jobCard(job) {
      var card = h("article", {
        class: "order order--" + job.status,
        id: "job-" + job.id,
        dataset: { jobId: String(job.id), version: job.status + "|" + (job.amount_paise || "") + "|" + job.is_paid },
      });
      var error = h("p", { class: "order__error", role: "alert" });
      var actions = h("div", { class: "order__actions" });

      function act(button, verb, body) {
        error.textContent = "";
        return busy(button, card, function () {
          return api("POST", "print-jobs/" + job.id + "/" + verb, body || {});
        }).then(function (result) {
          if (result && result.error) { error.textContent = result.message; return; }
          if (!result) return;
          if (["completed", "rejected", "cancelled"].indexOf(result.status) >= 0) {
            finished.set(result.id, { job: result, until: Date.now() + 120000 });
            showBanner("Print job #" + result.id + " " + result.status + ".");
          }
          jobs.set(result.id, result);
          layout();
        });
      }

      function rejectButton() {
        return h("button", {
          type: "button", class: "btn btn--danger", text: "Reject…",
          onclick: function () {
            if (card.querySelector(".reject-form")) return;
            var reason = h("input", { name: "reason", maxlength: "300", placeholder: "Reason, e.g. file is blank", "aria-label": "Reason for rejecting job " + job.id });
            var confirm = h("button", { type: "submit", class: "btn btn--danger btn--small", text: "Reject job" });
            var keep = h("button", { type: "button", class: "btn btn--ghost btn--small", text: "Keep" });
            var form = h("form", { class: "reject-form" }, reason, confirm, keep);
            form.addEventListener("submit", function (event) {
              event.preventDefault();
              if (!reason.value.trim()) { error.textContent = "Tell the student why: type a reason."; reason.focus(); return; }
              act(confirm, "reject", { reason: reason.value.trim() });
            });
            keep.addEventListener("click", function () { form.remove(); });
            actions.after(form);
            reason.focus();
          },
        });
      }

      var download = h("a", {
        class: "btn btn--small", href: API + "print-jobs/" + job.id + "/file", download: "print-job-" + job.id + ".pdf", text: "Download PDF",
      });
      if (job.status === "submitted") {
        var accept = h("button", { type: "button", class: "btn btn--primary", text: "Accept" });
        accept.addEventListener("click", function () { act(accept, "accept"); });
        actions.append(accept, rejectButton());
      } else if (job.status === "accepted") {
        var amount = h("input", { name: "amount", inputmode: "decimal", value: paiseToInput(job.amount_paise || job.estimated_paise), "aria-label": "Amount for job " + job.id + " in rupees" });
        var ready = h("button", { type: "submit", class: "btn btn--ok", text: "Set amount & mark ready" });
        // Well above the estimate, the student is told why (and may still cancel): ask for the reason.
        var amountReason = h("input", { name: "amount_reason", maxlength: "300", placeholder: "e.g. 12 more pages than sent", "aria-label": "Why the amount for job " + job.id + " is above the estimate" });
        var reasonLabel = h("label", { class: "amount-reason", hidden: true }, "Why more than the estimate?", amountReason);
        var form = h("form", { class: "order__actions" }, h("label", null, "Amount (₹)", amount), reasonLabel, ready);
        function needsReason() {
          var paise = toPaise(amount.value);
          return paise !== null && paise * 100 > job.estimated_paise * (100 + (config.print_price_tolerance_pct || 0));
        }
        amount.addEventListener("input", function () { reasonLabel.hidden = !needsReason(); });
        form.addEventListener("submit", function (event) {
          event.preventDefault();
          var paise = toPaise(amount.value);
          if (paise === null || paise < 1) { error.textContent = "Enter the amount in rupees, like 24 or 24.50."; amount.focus(); return; }
          var body = { amount_paise: paise };
          if (needsReason()) {
            reasonLabel.hidden = false;
            if (!amountReason.value.trim()) {
              error.textContent = "This is more than " + config.print_price_tolerance_pct + "% above the estimate of " + rupees(job.estimated_paise) + ": tell the student why.";
              amountReason.focus();
              return;
            }
            body.reason = amountReason.value.trim();
          }
          act(ready, "ready", body);
        });
        actions.append(form, rejectButton());
      } else if (job.status === "ready") {
        actions.append(h("span", { class: "order__meta", text: "Waiting for the student to pay " + rupees(job.amount_paise) + "." }), rejectButton());
      } else if (job.status === "paid") {
        var complete = h("button", { type: "button", class: "btn btn--ok", text: "Complete (handed over)" });
        complete.addEventListener("click", function () { act(complete, "complete"); });
        actions.append(h("span", { class: "paid-note", text: "Paid " + rupees(job.amount_paise) }), complete);
      } else {
        var dismiss = h("button", { type: "button", class: "btn btn--ghost btn--small", text: "Dismiss" });
        dismiss.addEventListener("click", function () { finished.delete(job.id); jobs.delete(job.id); layout(); });
        actions.append(h("span", { class: "refund", dataset: { paymentFor: "print_job:" + job.id } }), dismiss);
      }

      var refunded = isRefundCancelled(job);
      if (refunded) card.classList.add("order--refunded");
      appendAll(card,
        h("div", { class: "order__head" },
          h("span", { class: "order__id", text: "#" + job.id }),
          statusBadge(job.status, refunded ? "Refunded" : null),
          h("span", { class: "order__total", text: job.amount_paise ? rupees(job.amount_paise) : "≈ " + rupees(job.estimated_paise) })),
        h("p", { class: "order__meta", text: serviceName(job.service) + " · " + job.pages + " page" + (job.pages === 1 ? "" : "s") + " × " + job.copies + (job.copies === 1 ? " copy" : " copies") + (job.double_sided ? " · double-sided" : " · single-sided") }),
        refunded ? refundedNotice() : null,
        job.amount_reason ? h("p", { class: "order__meta", text: "Estimate " + rupees(job.estimated_paise) + " · why more: " + job.amount_reason }) : null,
        job.note ? h("p", { class: "order__note", text: "“" + job.note + "”" }) : null,
        job.reason ? h("p", { class: "order__meta", text: "Reason: " + job.reason }) : null,
        h("p", { class: "order__meta" }, "Sent " + stamp(job.created_at) + " · ", download),
        actions,
        error
      );
      if (fresh.has(job.id) && job.status === "submitted") card.classList.add("order--new");
      return card;
    }

    function layout() {
      finished.forEach(function (entry, id) { if (entry.until < Date.now()) { finished.delete(id); jobs.delete(id); } });
      var sorted = Array.from(jobs.values()).sort(function (a, b) { return new Date(a.created_at) - new Date(b.created_at) || a.id - b.id; });
      var keep = new Set();
      sorted.forEach(function (job) {
        keep.add(job.id);
        var existing = cards.get(job.id);
        var version = job.status + "|" + (job.amount_paise || "") + "|" + job.is_paid;
        var card = existing;
        if (!existing || (existing.dataset.version !== version && !existing.dataset.busy)) {
          card = jobCard(job);
          if (existing) existing.replaceWith(card);
          cards.set(job.id, card);
        }
        jobsEl.appendChild(card);
      });
      cards.forEach(function (card, id) { if (!keep.has(id)) { card.remove(); cards.delete(id); } });
      var waiting = 0;
      jobs.forEach(function (j) { if (j.status === "submitted" || j.status === "paid") waiting += 1; });
      $("jobs-count").textContent = waiting ? String(waiting) : "";
      document.title = (waiting ? "(" + waiting + ") " : "") + config.shop_name + " · Dashboard · Tap N Take";
    }

    var OPEN = ["submitted", "accepted", "ready", "paid"];
    function poll() {
      return Promise.all(OPEN.map(function (status) { return listAll("print-jobs", { status: status }); })).then(function (res) {
        var open = [].concat.apply([], res).filter(function (j) { return OPEN.indexOf(j.status) >= 0; });
        var openIds = new Set(open.map(function (j) { return j.id; }));
        var vanished = [];
        jobs.forEach(function (job, id) { if (!openIds.has(id) && !finished.has(id)) vanished.push(id); });
        return lookUpVanished("print-jobs", vanished).then(function (found) {
          found.forEach(function (job, i) {
            if (isRefundCancelled(job)) {
              finished.set(job.id, { job: job, until: Date.now() + REFUNDED_SHOWN_MS });
              jobs.set(job.id, job);
            } else {
              jobs.delete(vanished[i]);
            }
          });
          return open;
        });
      }).then(function (open) {
        var arrivals = [];
        open.forEach(function (job) {
          if (!seen.has(job.id)) {
            seen.add(job.id);
            if (!firstLoad && job.status === "submitted") { arrivals.push(job); fresh.add(job.id); }
          }
          jobs.set(job.id, job);
        });
        if (arrivals.some(function (j) { return !services.has(j.service); })) return loadServices().then(function () { return arrivals; });
        return arrivals;
      }).then(function (arrivals) {
        layout();
        firstLoad = false;
        if (arrivals.length) {
          newArrivalCue(arrivals.length === 1
            ? "New print job #" + arrivals[0].id + " · " + arrivals[0].pages + " pages × " + arrivals[0].copies
            : arrivals.length + " new print jobs: " + arrivals.map(function (j) { return "#" + j.id; }).join(", "));
        }
      });
    }

    var loadServices = catalogManager({
      tab: "services", path: "print-services", form: "service-form", table: "services-table", submit: "service-submit",
      cancel: "service-cancel", title: "service-form-title", empty: "services-empty", addTitle: "Add a print service", addButton: "Add service",
      fill: function (f, item) { f.name.value = item.name; f.unit.value = item.unit; f.is_colour.checked = !!item.is_colour; },
      body: function (f) { return { unit: f.unit.value, is_colour: f.is_colour.checked }; },
      cells: function (item) {
        return [h("td", null, h("strong", { text: item.name })), h("td", { text: item.unit === "job" ? "job" : "page" })];
      },
      extraCells: function (item) { return h("td", { text: item.is_colour ? "Colour" : "B/W" }); },
      onLoad: function (items) { items.forEach(function (s) { services.set(s.id, s); }); cards.forEach(function (c) { c.dataset.version = ""; }); layout(); },
    });

    loadServices().then(function () { schedulePoll(poll); });
  }

  /* -------------------------------------------------------------- history */

  function historyTab() {
    var form = $("history-form");
    var tbody = document.querySelector("#history-table tbody");
    var page = 1;
    var slotSelect = $("history-slot");

    function fillSlots() {
      if (!slotSelect) return Promise.resolve();
      return listAll("slots", { vendor: config.vendor_id, upcoming: "false" }).then(function (slots) {
        var chosen = slotSelect.value;
        slotSelect.replaceChildren(h("option", { value: "", text: "Any" }));
        slots.sort(function (a, b) { return new Date(b.starts_at) - new Date(a.starts_at); }).forEach(function (slot) {
          slotSelect.appendChild(h("option", { value: String(slot.id), text: shortDayFormat.format(new Date(slot.starts_at)) + " " + clock(slot.starts_at) + "–" + clock(slot.ends_at) }));
        });
        slotSelect.value = chosen;
      }, function () {});
    }

    function orderRow(order) {
      var extra = [];
      if (order.reason) extra.push("Reason: " + order.reason);
      return h("tr", { dataset: { orderId: String(order.id), status: order.status } },
        h("td", { text: "#" + order.id }),
        h("td", { text: stamp(order.created_at) }),
        h("td", { text: order.slot ? slotLabel(order.slot) : "–" }),
        h("td", { text: (order.items || []).map(function (l) { return l.quantity + " × " + l.name; }).join(", ") }),
        h("td", { text: rupees(order.total_paise) }),
        h("td", null, statusBadge(order.status), h("div", { class: "hint refund", dataset: { paymentFor: "order:" + order.id } }), extra.length ? h("div", { class: "hint", text: extra.join(" ") }) : null));
    }

    function jobRow(job) {
      return h("tr", { dataset: { jobId: String(job.id), status: job.status } },
        h("td", { text: "#" + job.id }),
        h("td", { text: stamp(job.created_at) }),
        h("td", { text: job.service_name || "Service #" + job.service }),
        h("td", { text: job.pages + " × " + job.copies + (job.double_sided ? " (2-sided)" : "") }),
        h("td", { text: job.amount_paise ? rupees(job.amount_paise) : "≈ " + rupees(job.estimated_paise) }),
        h("td", null, statusBadge(job.status), h("div", { class: "hint refund", dataset: { paymentFor: "print_job:" + job.id } }), job.reason ? h("div", { class: "hint", text: "Reason: " + job.reason }) : null));
    }

    var latest = 0;
    function load() {
      var f = form.elements;
      var ticket = ++latest; // filters change quickly: only the newest answer is shown
      var params = { status: f.status.value, page: page, page_size: 20 };
      if (f.slot) params.slot = f.slot.value;
      if (f.day) params.date = f.day.value;
      return api("GET", (isFood ? "orders" : "print-jobs") + query(params)).then(function (data) {
        if (ticket !== latest) return;
        var rows = data.results || [];
        tbody.replaceChildren.apply(tbody, rows.map(isFood ? orderRow : jobRow));
        paintPayments(tbody);
        annotatePayments(rows);
        $("history-empty").hidden = rows.length > 0;
        $("history-prev").disabled = !data.previous;
        $("history-next").disabled = !data.next;
        $("history-page").textContent = data.count ? "Page " + page + " · " + data.count + " in all" : "";
      }, showError);
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); page = 1; load(); });
    form.addEventListener("change", function () { page = 1; load(); });
    $("history-prev").addEventListener("click", function () { if (page > 1) { page -= 1; load(); } });
    $("history-next").addEventListener("click", function () { page += 1; load(); });
    loaders.history = function () { fillSlots(); return load(); };
  }

  /* ---------------------------------------------------------------- money */

  function drawChart(days) {
    var chart = $("sales-chart");
    var W = 720, H = 240, left = 56, bottom = 36, top = 24, right = 8;
    var max = Math.max.apply(null, days.map(function (d) { return d.sales_paise; }).concat([100]));
    var step = (W - left - right) / days.length;
    var barW = Math.max(6, step * 0.62);
    var NS = "http://www.w3.org/2000/svg";
    function s(tag, attrs, text) {
      var el = document.createElementNS(NS, tag);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      if (text !== undefined) el.textContent = text;
      return el;
    }
    var svg = s("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Sales per day, last " + days.length + " days" });
    var plotH = H - top - bottom;
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotH * (1 - f);
      svg.appendChild(s("line", { class: "axis", x1: left, x2: W - right, y1: y, y2: y }));
      svg.appendChild(s("text", { x: left - 6, y: y + 4, "text-anchor": "end" }, rupees(Math.round(max * f)).replace(/\.00$/, "")));
    });
    var todayKey = today();
    days.forEach(function (d, i) {
      var height = d.sales_paise > 0 ? Math.max(2, (plotH * d.sales_paise) / max) : 0;
      var x = left + i * step + (step - barW) / 2;
      var g = s("g", { class: "day", "data-date": d.date, "data-paise": String(d.sales_paise) });
      var bar = s("rect", { class: "bar" + (d.date === todayKey ? " bar--today" : ""), x: x.toFixed(1), y: (top + plotH - height).toFixed(1), width: barW.toFixed(1), height: height.toFixed(1), rx: 3 });
      bar.appendChild(s("title", {}, d.date + ": " + rupees(d.sales_paise) + " (taken " + rupees(d.captured_paise) + ", refunded " + rupees(d.refunded_paise) + ")"));
      g.appendChild(bar);
      if (d.sales_paise > 0) {
        g.appendChild(s("text", { class: "value", x: (x + barW / 2).toFixed(1), y: (top + plotH - height - 5).toFixed(1), "text-anchor": "middle" }, rupees(d.sales_paise).replace(/\.00$/, "")));
      }
      var date = new Date(d.date + "T12:00:00" + config.utc_offset);
      g.appendChild(s("text", { x: (x + barW / 2).toFixed(1), y: H - bottom + 16, "text-anchor": "middle" }, shortDayFormat.format(date)));
      svg.appendChild(g);
    });
    chart.replaceChildren(svg);
  }

  var STATEMENT_WORDS = {
    capture: "Payment", fee: "Platform fee", refund: "Refund", refund_reversal: "Failed refund given back",
    release: "Handed over: now available", payout: "Payout", adjustment: "Adjustment",
  };
  var REFUND_WORDS = { processed: "processed", pending: "on its way", failed: "failed" };

  /*
   * The Money tab is the statement of the last 30 days (GET /ledger/statement): every figure is
   * one of its totals, shown once, so the tab and the statement always agree.
   */
  function moneyTab() {
    function load() {
      var to = today();
      var from = dayOf(new Date(Date.now() - 29 * 86400000));
      var params = { from: from, to: to };
      $("statement-csv").href = config.statement_url + query({ from: from, to: to, format: "csv" });
      var statement = api("GET", config.statement_url + query(params)).then(function (data) {
        document.querySelectorAll("#balance [data-total]").forEach(function (el) {
          el.textContent = rupees(data.totals[el.dataset.total]);
          el.dataset.paise = String(data.totals[el.dataset.total]);
        });
        $("money-period").textContent = "· " + from + " to " + to;
        $("statement-balances").textContent = "· opening " + rupees(data.opening.balance_paise) + ", closing " + rupees(data.closing.balance_paise);
        var tbody = document.querySelector("#statement-table tbody");
        tbody.replaceChildren.apply(tbody, data.rows.slice().reverse().map(function (row) {
          var what = STATEMENT_WORDS[row.type] || row.type;
          if (row.refund_status && (row.type === "refund" || row.type === "fee")) what += " (" + (REFUND_WORDS[row.refund_status] || row.refund_status) + ")";
          var target = row.order ? "Order #" + row.order : row.print_job ? "Print #" + row.print_job : "";
          return h("tr", { dataset: { type: row.type, paise: String(row.amount_paise) } },
            h("td", { text: stamp(row.at) }), h("td", { text: what }), h("td", { text: target }),
            h("td", { class: "num", text: rupees(row.amount_paise) }), h("td", { class: "num", text: rupees(row.balance_paise) }));
        }));
        $("statement-empty").hidden = data.rows.length > 0;
      });
      var sales = api("GET", config.sales_url + query({ days: 14 })).then(function (rows) {
        drawChart(rows.map(function (r) {
          return { date: r.date, sales_paise: Math.max(0, r.captured_paise - r.refunded_paise), captured_paise: r.captured_paise, refunded_paise: r.refunded_paise };
        }));
      });
      return Promise.all([statement, sales]).catch(showError);
    }
    loaders.money = load;
  }

  /* ---------------------------------------------------------------- start */

  historyTab();
  moneyTab();
  if (isFood) foodDashboard();
  else stationeryDashboard();
  openTab((window.location.hash || "").slice(1) || (isFood ? "queue" : "jobs"));
})();
