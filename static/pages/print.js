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

  /* The page's words in its language: a JSON block the template writes ({% script_words "print" %},
     pages/script_words.py). A counted text comes as [form for 1, form for any other count]. */
  var WORDS = (function () {
    var el = document.getElementById("words-print");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();
  function t(key, values) {
    var text = WORDS[key];
    if (Array.isArray(text)) text = text[values && values.count === 1 ? 0 : 1];
    if (typeof text !== "string") return key;
    return text.replace(/%\((\w+)\)s/g, function (whole, name) { return values && name in values ? String(values[name]) : whole; });
  }

  var MESSAGES = {
    network: t("network"),
    http: function (status) { return t("http", { status: status }); }
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
    var colour = result.colour_pages === null ? t("colour_later") :
      (result.colour_pages.length ? t("colour_pages", { count: result.colour_pages.length, pages: result.colour_pages.join(", ") }) : t("colour_none"));
    // The one sentence; the estimate (in bold) goes where it says %(price)s.
    var sentence = t(result.double_sided ? "estimate_double" : "estimate", {
      selected: result.pages_selected, pages: t("pages", { count: result.pages }), colour: colour,
      copies: t("copies", { count: result.copies }), sheets: t("sheets", { count: result.sheets }), paper: result.paper_size
    });
    if (result.analysis === "pending") {
      sentence = sentence.replace("%(price)s", t("price_range", { max: rupees(result.estimated_max_paise) }));
    }
    var parts = sentence.split("%(price)s");
    out.appendChild(document.createTextNode(parts[0]));
    out.appendChild(strong);
    out.appendChild(document.createTextNode(parts.slice(1).join("")));
    if (!shelf) return;
    shelf.innerHTML = "";
    (result.previews || []).forEach(function (preview) {
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.src = preview.src; img.alt = t("page_alt", { page: preview.page }); img.width = 90;
      var caption = document.createElement("figcaption");
      caption.textContent = t((result.colour_pages || []).indexOf(preview.page) >= 0 ? "page_caption_colour" : "page_caption", { page: preview.page });
      figure.appendChild(img); figure.appendChild(caption); shelf.appendChild(figure);
    });
  }

  /* Price the uploaded file as the form stands, by the upload's id: no file bytes are sent. */
  function quote() {
    if (!uploadField.value) return;
    var mine = ++quoteSeq;
    estimateSays(t("working"), "");
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
    if (!file) { uploading = null; show(uploadStatus, ""); estimateSays(t("choose_to_price"), ""); return; }
    show(uploadStatus, t("uploading", { name: file.name }));
    estimateSays(t("reading"), "");
    var body = new FormData();
    body.append("file", file);
    var current = request(form.dataset.uploadUrl, { method: "POST", form: body, messages: MESSAGES }).then(function (result) {
      if (mine !== uploadSeq) return null;
      uploadField.value = String(result.id);
      show(uploadStatus, t("uploaded", { name: file.name, count: result.pages }));
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
      show(uploadStatus, t("sending_after_upload"));
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
      show(uploadStatus, t("choose_file"), "error");
      fileInput.focus();
      return;
    }
    // The file went up once: the job is made from that upload, so the file is not sent again.
    if (uploadField.value) fileInput.disabled = true;
  });
  // Back to this page from the next one: the file field works again.
  window.addEventListener("pageshow", function () { fileInput.disabled = false; });

  if (uploadField.value) quote();  // a form shown again after a refusal still holds its upload
  else estimateSays(t("choose_to_price"), "");
})();
