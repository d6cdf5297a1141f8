/* Tap N Take student pages: small progressive enhancements, no build step.
   Every feature hooks onto data- attributes, so pages work (more plainly) without it.
   An ES module: it talks to the API through the helper the dashboard uses too. */
import { request } from "../common/api.js";

(function () {
  "use strict";

  /* The page's words in its language: a JSON block the template writes ({% script_words "site" %},
     pages/script_words.py). A counted text comes as [form for 1, form for any other count]. */
  var WORDS = (function () {
    var el = document.getElementById("words-site");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();
  function t(key, values) {
    var text = WORDS[key];
    if (Array.isArray(text)) text = text[values && values.count === 1 ? 0 : 1];
    if (typeof text !== "string") return key;
    return text.replace(/%\((\w+)\)s/g, function (whole, name) { return values && name in values ? String(values[name]) : whole; });
  }

  // The pages' own words for failures that carry no API envelope.
  var MESSAGES = {
    network: t("network"),
    http: function (status) { return t("http", { status: status }); }
  };

  function rupees(paise) {
    var whole = Math.floor(paise / 100), part = paise % 100;
    return "\u20B9" + whole.toLocaleString("en-IN") + (part ? "." + String(part).padStart(2, "0") : "");
  }

  function randomKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  }

  /* POST to our JSON API with the session cookie and CSRF token. Resolves to the parsed body;
     rejects with an Error whose message is the API's plain-words message. */
  function postJson(url, body, extraHeaders) {
    return request(url, { method: "POST", body: body || {}, headers: extraHeaders, messages: MESSAGES });
  }

  function getJson(url) {
    return request(url, { retries: 0, messages: MESSAGES });
  }

  function showStatus(el, text, kind) {
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
    el.className = "alert" + (kind ? " alert-" + kind : "");
  }

  /* Confirming, pressing once and paying listen on the document, so content that live.js swaps
     in later (the order and print-jobs pages update in place) works the same. */

  /* --- Ask before a step that cannot be undone (cancelling) --- */
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-confirm]");
    if (form && !event.defaultPrevented && !window.confirm(form.dataset.confirm)) { event.preventDefault(); event.stopImmediatePropagation(); }
  });

  /* --- Buttons that must not be pressed twice (placing an order, sending a print) --- */
  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-once]");
    if (!form || event.defaultPrevented) return;  // refused by the form's own check: it may be sent again
    (function () {
      if (form.dataset.submitting === "1") { event.preventDefault(); return; }
      form.dataset.submitting = "1";
      var button = event.submitter || form.querySelector("[type=submit]");
      if (button) {
        // Keep the pressed button's name/value in the submission, then disable it.
        if (button.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
          form.appendChild(hidden);
        }
        setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
      }
    })();
  });

  /* --- OTP resend cool-down --- */
  document.querySelectorAll("[data-cooldown-seconds]").forEach(function (button) {
    var left = parseInt(button.dataset.cooldownSeconds, 10) || 0;
    var label = button.dataset.label || button.textContent;
    var note = document.getElementById(button.getAttribute("aria-describedby") || "");
    function tick() {
      if (left <= 0) {
        button.disabled = false;
        button.textContent = label;
        if (note) note.textContent = t("code_now");
        return;
      }
      button.disabled = true;
      button.textContent = t("cooldown", { label: label, count: left });
      if (note) note.textContent = t("code_in", { count: left });
      left -= 1;
      setTimeout(tick, 1000);
    }
    tick();
  });

  /* --- Choosing a dish's options (its sheet or its page): the running price, each group's limit --- */
  document.querySelectorAll("form[data-item-form]").forEach(function (form) {
    var priceEl = form.querySelector("[data-item-price]");
    var qty = form.querySelector("input[name=quantity]");
    var errorEl = form.querySelector("[data-item-error]");
    var groups = Array.prototype.slice.call(form.querySelectorAll("[data-option-group]"));
    var update = function () {
      var unit = parseInt(form.dataset.base, 10) || 0;
      groups.forEach(function (group) {
        var max = parseInt(group.dataset.max, 10) || 1;
        var boxes = Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox]"));
        var checked = group.querySelectorAll("input:checked");
        checked.forEach(function (input) { unit += parseInt(input.dataset.delta, 10) || 0; });
        // Up to N: once N are ticked the others wait (an unavailable option stays off).
        boxes.forEach(function (box) {
          if (box.dataset.off === undefined) box.dataset.off = box.disabled ? "1" : "0";
          box.disabled = box.dataset.off === "1" || (!box.checked && checked.length >= max);
        });
      });
      var n = parseInt(qty && qty.value, 10);
      if (isNaN(n) || n < 1) n = 1;
      if (priceEl) priceEl.textContent = rupees(unit * n);
    };
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    form.addEventListener("submit", function (event) {
      var missing = groups.filter(function (group) {
        return group.querySelectorAll("input:checked").length < (parseInt(group.dataset.min, 10) || 0);
      });
      if (missing.length) {
        event.preventDefault();
        var group = missing[0];
        var min = parseInt(group.dataset.min, 10);
        showStatus(errorEl, t("choose_options", { count: min, group: group.dataset.name }), "error");
        var first = group.querySelector("input:not([disabled])");
        if (first) first.focus();
      }
    });
    update();
  });

  /* --- The cart on a vendor's menu: quantities of its lines, total, kept in sessionStorage ---
     Each line is one number field (qty_<item> or qty_<item>_<option ids>) whose data-price is its
     unit price with its options. The server keeps the cart too (the dish pages add to it); its
     data-cart-version tells whether the copy kept here is still the current one. */
  var orderForm = document.querySelector("form[data-cart]");
  if (orderForm) {
    var storageKey = "tnt-cart-" + orderForm.dataset.cart;
    var version = orderForm.dataset.cartVersion || "0";
    var qtyInputs = Array.prototype.slice.call(orderForm.querySelectorAll("input[data-price]"));
    var totalEl = orderForm.querySelector("[data-cart-total]");
    var payTotalEl = orderForm.querySelector("[data-pay-total]");
    var countEl = orderForm.querySelector("[data-cart-count]");
    var submit = orderForm.querySelector("[data-cart-submit]");
    var cartBar = orderForm.querySelector("[data-cart-bar]");

    var clamp = function (input) {
      var max = parseInt(input.max, 10) || 20;
      var value = parseInt(input.value, 10);
      if (isNaN(value) || value < 0) value = 0;
      if (value > max) value = max;
      input.value = value;
      return value;
    };
    var save = function () {
      var cart = { version: version, items: {}, slot: null };
      qtyInputs.forEach(function (input) { cart.items[input.name] = clamp(input); });
      var slot = orderForm.querySelector("input[name=slot]:checked");
      if (slot) cart.slot = slot.value;
      try { sessionStorage.setItem(storageKey, JSON.stringify(cart)); } catch (e) { /* private mode */ }
    };
    var render = function () {
      var total = 0, count = 0;
      qtyInputs.forEach(function (input) {
        var q = clamp(input);
        total += q * (parseInt(input.dataset.price, 10) || 0);
        count += q;
        var row = input.closest(".cart-line") || input.closest(".menu-item");
        if (row) row.classList.toggle("in-cart", q > 0);
        // A dish without options shows ADD until it is in the cart, then its − count + stepper.
        var add = orderForm.querySelector('[data-add-one="' + input.id + '"]');
        var stepper = orderForm.querySelector('[data-stepper="' + input.id + '"]');
        if (add && stepper) { add.hidden = q > 0; stepper.hidden = q === 0; }
      });
      if (totalEl) totalEl.textContent = rupees(total);
      if (payTotalEl) payTotalEl.textContent = rupees(total);
      if (countEl) countEl.textContent = t("items", { count: count });
      // Nothing to pay for, or no pickup time chosen: Pay waits (the server refuses both anyway).
      if (submit && orderForm.dataset.placing !== "1") {
        submit.disabled = count === 0 || !orderForm.querySelector("input[name=slot]:checked");
      }
      // The bar only while the cart has something (or says why it cannot be paid for).
      if (cartBar) cartBar.hidden = count === 0 && !cartBar.querySelector("[data-error-for=cart]:not([hidden])");
    };

    if (orderForm.dataset.restore === "true") {
      var saved = null;
      try { saved = JSON.parse(sessionStorage.getItem(storageKey) || "null"); } catch (e) { saved = null; }
      // Only a copy of this same server cart: after a dish was added elsewhere the page is newer.
      if (saved && saved.items && String(saved.version) === version) {
        qtyInputs.forEach(function (input) {
          if (Object.prototype.hasOwnProperty.call(saved.items, input.name)) input.value = saved.items[input.name];
        });
        if (saved.slot) {
          var radio = orderForm.querySelector('input[name=slot][value="' + saved.slot + '"]');
          if (radio && !radio.disabled) radio.checked = true;
        }
      }
    }
    orderForm.querySelectorAll("button[data-step]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.getAttribute("aria-controls"));
        input.value = clamp(input) + parseInt(button.dataset.step, 10);
        clamp(input);
        render(); save();
        var add = orderForm.querySelector('[data-add-one="' + input.id + '"]');
        if (add && !add.hidden) add.focus();  // back to ADD: the stepper just went away
      });
    });
    orderForm.querySelectorAll("button[data-add-one]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var input = document.getElementById(button.dataset.addOne);
        if (!input) return;  // the plain form: the dish's page adds one
        event.preventDefault();
        input.value = 1;
        render(); save();
        // The focus follows to the stepper that took ADD's place.
        var more = orderForm.querySelector('[data-stepper="' + input.id + '"] [data-step="1"]');
        if (more) more.focus();
      });
    });
    orderForm.addEventListener("input", function () { render(); save(); });
    orderForm.addEventListener("change", function () { render(); save(); });
    render(); save();

    /* --- Place and pay in one step: the form goes to the menu as JSON, then the checkout opens ---
       A refusal is shown beside what caused it (details name the place: slot, note, cart, item-<id>). */
    if (orderForm.dataset.payNow !== undefined && submit) {
      var payStatus = document.getElementById("pay-status");
      var errorPlaces = function () { return Array.prototype.slice.call(orderForm.querySelectorAll("[data-error-for]")); };
      var clearErrors = function () { errorPlaces().forEach(function (el) { el.hidden = true; el.textContent = ""; }); };
      var showErrors = function (err) {
        var details = err.details || {}, first = null;
        Object.keys(details).forEach(function (where) {
          var el = orderForm.querySelector('[data-error-for="' + where + '"]') || orderForm.querySelector('[data-error-for="cart"]');
          var text = [].concat(details[where]).join(" ");
          el.textContent = el.hidden || !el.textContent ? text : el.textContent + " " + text;
          el.hidden = false;
          first = first || el;
        });
        if (!first) { first = orderForm.querySelector('[data-error-for="cart"]'); first.textContent = err.message; first.hidden = false; }
        // That time is gone: it can no longer be chosen.
        if (err.code === "slot_full" || err.code === "slot_closed") {
          var gone = orderForm.querySelector("input[name=slot]:checked");
          if (gone) {
            gone.checked = false; gone.disabled = true;
            var chip = gone.closest("[data-state]");
            if (chip) { chip.dataset.state = "full"; chip.classList.add("is-full"); }
          }
        }
        first.setAttribute("tabindex", "-1");
        first.focus();
      };
      orderForm.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        event.preventDefault();
        if (orderForm.dataset.placing === "1") return;
        clearErrors();
        if (!orderForm.querySelector("input[name=slot]:checked")) {
          showErrors({ details: { slot: [t("choose_slot")] } });
          return;
        }
        orderForm.dataset.placing = "1";
        submit.disabled = true; submit.setAttribute("aria-busy", "true");
        showStatus(payStatus, t("placing"), "");
        var done = function () { orderForm.dataset.placing = "0"; submit.removeAttribute("aria-busy"); render(); };
        request(orderForm.action, { method: "POST", form: new FormData(orderForm), messages: MESSAGES }).then(function (placed) {
          var order = placed.order;
          try { sessionStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
          var link = document.createElement("a");
          link.href = order.url; link.textContent = t("order_link", { id: order.id });
          pay({
            payUrl: order.pay_url, verifyUrl: orderForm.dataset.verifyUrl, checkoutJs: orderForm.dataset.checkoutJs,
            callbackUrl: orderForm.dataset.callbackUrl ? orderForm.dataset.callbackUrl + "?next=" + encodeURIComponent(order.url) : "",
            description: order.description, status: payStatus, returnUrl: order.url,
            opened: function () {
              // The one sentence, with the order's link where it says %(order)s.
              var parts = t("placed_and_held").split("%(order)s");
              showStatus(payStatus, parts[0], "");
              payStatus.appendChild(link);
              payStatus.appendChild(document.createTextNode(parts.slice(1).join("")));
            },
            // Placed but not paid: its page holds the countdown and the way to pay again.
            failed: function () { window.location.assign(order.url + "?payment=failed"); },
            dismissed: function () { window.location.assign(order.url + "?payment=stopped"); }
          });
        }, function (err) {
          showStatus(payStatus, "", "");
          showErrors(err);
          done();
        });
      });
    }

    /* --- A dish's options in a sheet: "Add" opens it instead of the dish's own page --- */
    orderForm.querySelectorAll("button[data-sheet]").forEach(function (button) {
      var sheet = document.getElementById(button.dataset.sheet);
      if (!sheet || typeof sheet.showModal !== "function") return;  // no <dialog>: the plain page
      button.addEventListener("click", function (event) {
        event.preventDefault();
        sheet.showModal();
        var first = sheet.querySelector("input:not([disabled])");
        if (first) first.focus();
      });
      sheet.querySelectorAll("[data-sheet-close]").forEach(function (close) {
        close.addEventListener("click", function () { sheet.close(); button.focus(); });
      });
      sheet.addEventListener("click", function (event) { if (event.target === sheet) sheet.close(); });
      var form = sheet.querySelector("form[data-item-form]");
      // The cart's lines go with the dish, so what was counted on the menu is kept too.
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        form.querySelectorAll("input[data-cart-copy]").forEach(function (copy) { copy.remove(); });
        qtyInputs.forEach(function (input) {
          var copy = document.createElement("input");
          copy.type = "hidden"; copy.name = input.name; copy.value = clamp(input);
          copy.setAttribute("data-cart-copy", "");
          form.appendChild(copy);
        });
        try { sessionStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
        var add = form.querySelector("[data-item-add]");
        if (add) setTimeout(function () { add.disabled = true; add.setAttribute("aria-busy", "true"); }, 0);
      });
    });
  }

  /* A page that follows a successful order empties that vendor's cart. */
  document.querySelectorAll("[data-clear-cart]").forEach(function (el) {
    try { sessionStorage.removeItem("tnt-cart-" + el.dataset.clearCart); } catch (e) { /* ignore */ }
  });

  /* --- Live status: poll the JSON API and reload the page when the status moves --- */
  document.querySelectorAll("[data-poll-url]").forEach(function (el) {
    var url = el.dataset.pollUrl, current = el.dataset.pollStatus;
    var every = (parseInt(el.dataset.pollSeconds, 10) || 5) * 1000;
    var unheard = null;  // a new status the poll saw while the stream was open, not yet brought by it
    function poll() {
      // live.js swaps the page's content in place: follow the element that took this one's place.
      if (!el.isConnected) {
        el = document.querySelector('[data-poll-url="' + url + '"]');
        if (!el) return;
        current = el.dataset.pollStatus;
      }
      getJson(url)
        .then(function (data) {
          var analysis = el.dataset.pollAnalysis;
          // While the event stream is open it brings status changes (live.js); the poll still watches the rest.
          var streaming = document.documentElement.dataset.liveStream === "open";
          // Still not brought one poll later: the stream missed it, and the poll takes it.
          if (streaming && data.status && data.status !== current) {
            if (unheard === data.status) streaming = false; else unheard = data.status;
          } else unheard = null;
          if (!streaming && data.status && data.status !== current) {
            // live.js, on the page, takes it as the stream's event: updated in place, and said in its live region.
            var moved = new CustomEvent("tnt:status-moved", { cancelable: true, detail: { id: data.id, status: data.status } });
            if (!document.dispatchEvent(moved)) { current = data.status; setTimeout(poll, every); return; }
          }
          if ((!streaming && data.status && data.status !== current) || (analysis && data.analysis && data.analysis !== analysis)) {
            if (!window.TNT_RELOADING) { window.TNT_RELOADING = true; window.location.reload(); }
            return;
          }
          setTimeout(poll, every);
        }, function () { setTimeout(poll, every * 2); });
    }
    setTimeout(poll, every);
  });

  /* The print form's upload and price checks: static/pages/print.js. */

  /* --- Paying: open a checkout, then hand the signed result to /payments/verify --- */
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (document.querySelector('script[src="' + src + '"]')) { resolve(); return; }
      var s = document.createElement("script");
      s.src = src; s.onload = resolve;
      s.onerror = function () { reject(new Error(t("checkout_failed"))); };
      document.head.appendChild(s);
    });
  }

  function verify(verifyUrl, fields, status, returnUrl) {
    showStatus(status, t("confirming"), "");
    return postJson(verifyUrl, {
      razorpay_order_id: fields.razorpay_order_id,
      razorpay_payment_id: fields.razorpay_payment_id,
      razorpay_signature: fields.razorpay_signature
    }).then(function () { window.location.assign(returnUrl); });
  }

  window.TNT = { postJson: postJson, verify: verify, showStatus: showStatus, rupees: rupees, randomKey: randomKey };

  /* Razorpay checkout.js (or the sandbox's stand-in with the same surface) opens the payment for a
     payable: its `pay` endpoint gives the Razorpay order, the signed result goes to /payments/verify,
     then `returnUrl` opens to show the new status. `failed(message)` and `dismissed(message)` say
     how an attempt ended without paying; `opened()` that the payment window is up. */
  function pay(o) {
    showStatus(o.status, t("opening"), "");
    postJson(o.payUrl, {}, { "Idempotency-Key": randomKey() }).then(function (checkout) {
      return loadScript(o.checkoutJs).then(function () {
        var options = {
          key: checkout.razorpay_key_id, amount: checkout.amount_paise, currency: checkout.currency,
          order_id: checkout.razorpay_order_id, name: "Tap N Take", description: o.description || "",
          handler: function (response) {
            verify(o.verifyUrl, response, o.status, o.returnUrl).catch(function (err) { o.failed(err.message); });
          },
          modal: { ondismiss: function () {
            o.dismissed(t("not_finished"));
          } }
        };
        if (o.callbackUrl) options.callback_url = new URL(o.callbackUrl, window.location.href).toString();
        var checkoutForm = new window.Razorpay(options);
        checkoutForm.on("payment.failed", function (response) {
          var reason = response && response.error && response.error.description;
          o.failed(reason ? t("failed_because", { reason: reason }) : t("failed"));
        });
        showStatus(o.status, t("finish_paying"), "");
        checkoutForm.open();
        if (o.opened) o.opened();
      });
    }).catch(function (err) { o.failed(err.message); });
  }

  window.TNT = { postJson: postJson, verify: verify, showStatus: showStatus, rupees: rupees, randomKey: randomKey };

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-pay-url]");
    if (!button || button.disabled) return;
    var status = document.getElementById(button.dataset.status || "") || null;
    var failed = function (message) { showStatus(status, message, "error"); button.disabled = false; };
    button.disabled = true;
    pay({
      payUrl: button.dataset.payUrl, verifyUrl: button.dataset.verifyUrl, checkoutJs: button.dataset.checkoutJs,
      callbackUrl: button.dataset.callbackUrl || "", description: button.dataset.description,
      status: status, returnUrl: button.dataset.returnUrl || window.location.href, failed: failed, dismissed: failed
    });
  });

  /* --- The unpaid order's hold: "Pay within 9:41", counting down; at 0 the page shows it expired --- */
  document.querySelectorAll("[data-hold-seconds]").forEach(function (el) {
    var ends = Date.now() + (parseInt(el.dataset.holdSeconds, 10) || 0) * 1000;
    var out = el.querySelector("[data-hold-left]") || el;
    (function tick() {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left > 0) { setTimeout(tick, 1000); return; }
      if (!window.TNT_RELOADING) { window.TNT_RELOADING = true; window.location.reload(); }
    })();
  });

  /* --- "Save receipt": the browser's print dialog, where "Save as PDF" is one of the printers --- */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();

/* An error shown after a submit gets the focus, so screen readers and keyboards land on it. */
(function () {
  var el = document.querySelector("[data-focus]");
  if (el) el.focus();
})();
