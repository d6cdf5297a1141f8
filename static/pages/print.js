/* The print form (templates/pages/print_form.html), issue 22.

   The chosen file is uploaded once (POST /api/v1/print-uploads) the moment it is chosen; every
   price check after that names the upload (POST /api/v1/print-jobs/estimate with a small JSON
   body, no file), and "Send to the shop" posts the form with the upload's id instead of the file.
   A price check never disables "Send to the shop": the server prices the job again when it is
   sent. A tap on Send while the file is still uploading waits for the upload, then sends.
   The note does not change the price, so leaving it checks nothing. Without this script the
   form posts the file itself, as before. */
import { request } from "../common/api.js";

(function () {
  "use strict";

  var form = document.querySelector("form[data-print-form]");
  if (!form) return;
  var fileInput = form.querySelector("input[type=file][name=file]");
  var uploadField = form.querySelector("[data-upload-id]");
  if (!fileInput || !uploadField) return;  // signed out: the form asks to sign in instead
  var uploadStatus = form.querySelector("[data-upload-status]");
  var out = form.querySelector("[data-estimate]");
  var shelf = form.querySelector("[data-previews]");

  var MESSAGES = {
    network: "No connection. Check your network and try again.",
    http: function (status) { return "Something went wrong (" + status + "). Please try again."; }
  };
  // What the price depends on; the note is not among them.
  var PRICED = ["service", "copies", "double_sided", "page_range", "colour_mode", "pages_per_sheet", "finishing"];

  var uploading = null;    // the upload in flight (a promise), or null
  var uploadError = "";    // why the last upload was refused
  var uploadSeq = 0, quoteSeq = 0;

  function rupees(paise) {
    var whole = Math.floor(paise / 100), part = paise % 100;
    return "\u20B9" + whole.toLocaleString("en-IN") + (part ? "." + String(part).padStart(2, "0") : "");
  }

  function show(el, text, kind) {
    if (!el) return;
    el.hidden = !text;
    el.textContent = text || "";
    el.classList.toggle("alert-error", kind === "error");
  }

  function estimateSays(text, kind) {
    out.hidden = !text;
    out.textContent = text || "";
    out.className = "alert" + (kind ? " alert-" + kind : "");
  }

  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function choices() {
    var data = new FormData(form);
    var number = function (name, fallback) {
      var value = parseInt(data.get(name), 10);
      return isNaN(value) ? fallback : value;
    };
    return {
      upload: parseInt(uploadField.value, 10),
      service: number("service", null),
      copies: number("copies", null),
      double_sided: data.get("double_sided") === "true",
      page_range: data.get("page_range") || "",
      colour_mode: data.get("colour_mode") || "bw",
      pages_per_sheet: number("pages_per_sheet", 1),
      finishing: data.getAll("finishing").map(function (id) { return parseInt(id, 10); })
    };
  }

  function showPrice(result) {
    out.hidden = false;
    out.className = "alert alert-success estimate";
    out.innerHTML = "";
    var strong = document.createElement("strong");
    strong.textContent = rupees(result.estimated_paise);
    out.appendChild(document.createTextNode("Estimate: "));
    out.appendChild(strong);
    if (result.analysis === "pending") out.appendChild(document.createTextNode(" to " + rupees(result.estimated_max_paise)));
    var colour = result.colour_pages === null ? "colour pages are counted once it is sent" :
      (result.colour_pages.length ? result.colour_pages.length + " in colour: " + result.colour_pages.join(", ") : "none in colour");
    out.appendChild(document.createTextNode(" for " + result.pages_selected + " of " + plural(result.pages, "page", "pages") +
      " (" + colour + ") \u00D7 " + plural(result.copies, "copy", "copies") + ": " +
      plural(result.sheets, "sheet", "sheets") + " of " + result.paper_size +
      (result.double_sided ? ", double-sided" : ", single-sided") + ". The shop confirms the final amount."));
    if (!shelf) return;
    shelf.innerHTML = "";
    (result.previews || []).forEach(function (preview) {
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = preview.src; img.alt = "Page " + preview.page; img.width = 90;
      var caption = document.createElement("figcaption");
      caption.textContent = "p. " + preview.page + ((result.colour_pages || []).indexOf(preview.page) >= 0 ? " \u00B7 colour" : "");
      figure.appendChild(img); figure.appendChild(caption); shelf.appendChild(figure);
    });
  }

  /* Price the uploaded file as the form stands, by the upload's id: no file bytes are sent. */
  function quote() {
    if (!uploadField.value) return;
    var mine = ++quoteSeq;
    estimateSays("Working out the price\u2026", "");
    request(form.dataset.estimateUrl, { method: "POST", body: choices(), messages: MESSAGES }).then(function (result) {
      if (mine === quoteSeq) showPrice(result);
    }, function (err) {
      if (mine === quoteSeq) estimateSays(err.message, "error");
    });
  }

  /* Upload the chosen file, once; then price it. */
  function upload() {
    var file = fileInput.files && fileInput.files[0];
    var mine = ++uploadSeq;
    uploadField.value = "";
    uploadError = "";
    quoteSeq++;  // a price of the file before this one no longer counts
    if (shelf) shelf.innerHTML = "";
    if (!file) { uploading = null; show(uploadStatus, ""); estimateSays("Choose a PDF to see the price before you send it.", ""); return; }
    show(uploadStatus, "Uploading " + file.name + "\u2026");
    estimateSays("Reading the pages\u2026", "");
    var body = new FormData();
    body.append("file", file);
    var current = request(form.dataset.uploadUrl, { method: "POST", form: body, messages: MESSAGES }).then(function (result) {
      if (mine !== uploadSeq) return null;
      uploadField.value = String(result.id);
      show(uploadStatus, "Uploaded: " + file.name + ", " + plural(result.pages, "page", "pages") + ".");
      quote();
      return result;
    }, function (err) {
      if (mine !== uploadSeq) return null;
      uploadError = err.message;
      show(uploadStatus, err.message, "error");
      estimateSays("", "");
      return null;
    });
    uploading = current;
    current.then(function () { if (uploading === current) uploading = null; });
  }

  var timers = {};
  function later(name, ms) {
    clearTimeout(timers[name]);
    timers[name] = setTimeout(quote, ms);
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (event.target === fileInput) { upload(); return; }
    if (PRICED.indexOf(name) < 0) return;  // the note (and anything else) leaves the price alone
    clearTimeout(timers[name]);  // typed, then left: price it now, once
    quote();
  });
  form.addEventListener("input", function (event) {
    var name = event.target.name;
    if (name === "copies") later(name, 400);
    if (name === "page_range") later(name, 500);
  });

  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.value === "estimate") return;
    if (uploading) {
      // Still uploading: send as soon as it is up (the tap is not lost).
      event.preventDefault();
      var submitter = event.submitter;
      show(uploadStatus, "Sending as soon as your file has uploaded\u2026");
      uploading.then(function () {
        if (uploadField.value) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
      });
      return;
    }
    if (uploadError && !uploadField.value) {
      event.preventDefault();
      show(uploadStatus, uploadError, "error");
      fileInput.focus();
      return;
    }
    if (!uploadField.value && !(fileInput.files && fileInput.files.length)) {
      event.preventDefault();
      show(uploadStatus, "Choose a PDF file to print first.", "error");
      fileInput.focus();
      return;
    }
    // The file went up once: the job is made from that upload, so the file is not sent again.
    if (uploadField.value) fileInput.disabled = true;
  });
  // Back to this page from the next one: the file field works again.
  window.addEventListener("pageshow", function () { fileInput.disabled = false; });

  if (uploadField.value) quote();  // a form shown again after a refusal still holds its upload
  else estimateSays("Choose a PDF to see the price before you send it.", "");
})();
