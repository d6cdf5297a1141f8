/* The print shop's queue: every job not finished yet, on the same cards as food orders. */
import { config, get, listAll, post } from "./api.js";
import { ENDED, ENDED_WORDS, REFUNDED_SHOWN_MS, cardBase, isRefundCancelled, sortVanished } from "./cards.js";
import { byCreated, paiseToInput, plural, rupees, stamp } from "./format.js";
import { fmt, gettext, ngettext } from "./i18n.js";

const OPEN = ["submitted", "accepted", "ready", "paid"];
const KEEP_ENDED_MS = 120000;
const PREVIEWS_SHOWN = 6;

// Issue 21: the selection, colour pages, sheets and finishing, and thumbnails of the selected pages.
function selectionLines(job) {
  const range = job.page_range ? fmt(gettext("pages %(range)s"), { range: job.page_range }) : gettext("all pages");
  const selected = fmt(ngettext("%(n)s page of %(pages)s", "%(n)s pages of %(pages)s", job.pages_selected), { n: job.pages_selected, pages: job.pages });
  const perSide = job.pages_per_sheet > 1 ? fmt(gettext("%(n)s per side"), { n: job.pages_per_sheet }) + " · " : "";
  const lines = [selected + " (" + range + ") · " + perSide + plural(job.sheets, ngettext("%(n)s sheet", "%(n)s sheets", job.sheets)) + " " + job.paper_size];
  if (job.analysis === "pending") lines.push(gettext("Reading the pages for colour…"));
  else if (job.colour_mode === "auto") {
    lines.push(job.colour_pages.length ? fmt(gettext("Colour pages: %(pages)s"), { pages: job.colour_pages.join(", ") }) : gettext("No colour pages"));
  } else lines.push(gettext("Black and white"));
  if (job.finishing_names && job.finishing_names.length) lines.push(fmt(gettext("Finishing (per copy): %(names)s"), { names: job.finishing_names.join(", ") }));
  if (job.estimated_ready_at) lines.push(fmt(gettext("Ready by %(time)s"), { time: stamp(job.estimated_ready_at) }));
  return lines;
}

function selectedPages(job) {
  if (!job.page_range) return Array.from({ length: Math.min(job.pages, PREVIEWS_SHOWN) }, (_, i) => i + 1);
  const pages = [];
  for (const part of job.page_range.split(",")) {
    const [a, b] = part.split("-").map(Number);
    for (let n = a; n <= (b || a) && pages.length < PREVIEWS_SHOWN; n++) pages.push(n);
  }
  return pages;
}

function previews(job) {
  if (!job.file_available) return [];
  const colour = new Set(job.colour_pages || []);
  return selectedPages(job).map((n) => ({
    src: config.api_base + "print-jobs/" + job.id + "/pages/" + n + ".png",
    label: fmt(gettext("p. %(n)s"), { n }) + (colour.has(n) ? " · " + gettext("colour") : ""), colour: colour.has(n),
  }));
}

function jobCard(job, serviceName, isNew) {
  const sided = " · " + (job.double_sided ? gettext("double-sided") : gettext("single-sided"));
  const card = {
    ...cardBase("job", job),
    total: job.amount_paise ? rupees(job.amount_paise) : "≈ " + rupees(job.estimated_paise),
    isNew: isNew && job.status === "submitted", items: [],
    lines: [serviceName + " · " + plural(job.copies, ngettext("%(n)s copy", "%(n)s copies", job.copies)) + sided, ...selectionLines(job)],
    previews: previews(job),
    sent: fmt(gettext("Sent %(time)s"), { time: stamp(job.created_at) }) + " · ",
    download: config.api_base + "print-jobs/" + job.id + "/file", downloadName: "print-job-" + job.id + ".pdf",
    amountInitial: paiseToInput(job.amount_paise || job.estimated_paise), estimatedPaise: job.estimated_paise,
  };
  if (job.amount_reason) card.lines.push(fmt(gettext("Estimate %(estimate)s · why more: %(reason)s"), { estimate: rupees(job.estimated_paise), reason: job.amount_reason }));
  const reject = { button: gettext("Reject job"), label: gettext("Reason for rejecting job %(id)s"), placeholder: gettext("Reason, e.g. file is blank") };
  if (job.status === "submitted") {
    card.actions = [{ verb: "accept", label: gettext("Accept"), cls: "btn btn--primary" }];
    card.reject = reject;
  } else if (job.status === "accepted") {
    card.form = "amount";
    card.reject = reject;
  } else if (job.status === "ready") {
    card.actionNote = { text: fmt(gettext("Waiting for the student to pay %(amount)s."), { amount: rupees(job.amount_paise) }), cls: "order__meta" };
    card.reject = reject;
  } else if (job.status === "paid") {
    card.lines.push(fmt(gettext("Paid %(amount)s · ask for the release code"), { amount: rupees(job.amount_paise) }));
    card.form = "pickup";
  } else {
    card.paymentKey = "print_job:" + job.id;
    card.dismissable = true;
  }
  return card;
}

export function printQueue() {
  const seen = new Set();
  const acted = {}; // job id → when the vendor's own action answered (a poll begun before it is older)
  let firstLoad = true;
  return {
    jobs: {},
    finished: {},
    fresh: {},
    services: {},

    init() {
      // The Services tab tells the queue when the services change (names shown on the cards).
      window.addEventListener("tnt:services", (event) => this.know(event.detail));
      this.$store.poller.add(() => this.poll());
    },

    know(services) {
      const known = {};
      for (const s of services) known[s.id] = s;
      this.services = known;
    },

    serviceName(id) {
      const s = this.services[id];
      return s ? s.name + (s.unit === "job" ? " " + gettext("(per job)") : "") : fmt(gettext("Service #%(id)s"), { id });
    },

    get cards() {
      const now = Date.now();
      return Object.values(this.jobs)
        .filter((j) => !this.finished[j.id] || this.finished[j.id] > now)
        .sort(byCreated)
        .map((j) => jobCard(j, this.serviceName(j.service), !!this.fresh[j.id]));
    },

    count() {
      this.$store.dash.countTitle(Object.values(this.jobs).filter((j) => j.status === "submitted" || j.status === "paid").length);
    },

    async queueAct(card, verb, body) {
      const result = await post("print-jobs/" + card.id + "/" + verb, body);
      if (!result) return;
      acted[result.id] = Date.now();
      if (ENDED.includes(result.status)) {
        this.finished[result.id] = Date.now() + KEEP_ENDED_MS;
        this.$store.dash.showBanner(fmt(gettext("Print job #%(id)s %(status)s."), { id: result.id, status: ENDED_WORDS[result.status] || result.status }));
      }
      this.jobs[result.id] = result;
      this.count();
      this.$store.poller.now(); // the whole queue, now: the next poll may be a minute away
    },

    async queueRecheck(card) {
      const job = await get("print-jobs/" + card.id).catch(() => null);
      if (!isRefundCancelled(job)) return;
      this.finished[job.id] = Date.now() + REFUNDED_SHOWN_MS;
      this.jobs[job.id] = job;
      this.count();
    },

    queueDismiss(card) {
      delete this.finished[card.id];
      delete this.jobs[card.id];
    },

    async poll() {
      const started = Date.now();
      if (firstLoad) this.know(await listAll("print-services", { vendor: config.vendor_id }, { retries: 0 }));
      const lists = await Promise.all(OPEN.map((status) => listAll("print-jobs", { status }, { retries: 0 })));
      // What an action answered after this poll began is newer than the lists: it stays.
      const newer = (id) => (acted[id] || 0) >= started;
      const open = lists.flat().filter((j) => OPEN.includes(j.status) && !newer(j.id));
      const openIds = new Set(open.map((j) => j.id));
      const now = Date.now();
      for (const [id, until] of Object.entries(this.finished)) {
        if (until < now) { delete this.finished[id]; delete this.jobs[id]; }
      }
      const vanished = Object.keys(this.jobs).map(Number).filter((id) => !openIds.has(id) && !this.finished[id] && !newer(id));
      const { refunded, gone } = await sortVanished("print-jobs", vanished);
      // An action may have answered while the lookups ran: what it answered is newer, and stays.
      for (const id of gone) if (!newer(id) && !this.finished[id]) delete this.jobs[id];
      for (const job of refunded.filter((j) => !newer(j.id))) { this.finished[job.id] = now + REFUNDED_SHOWN_MS; this.jobs[job.id] = job; }
      const arrivals = [];
      for (const job of open.filter((j) => !newer(j.id))) {
        if (!seen.has(job.id)) {
          seen.add(job.id);
          if (!firstLoad && job.status === "submitted") { arrivals.push(job); this.fresh[job.id] = true; }
        }
        this.jobs[job.id] = job;
      }
      if (arrivals.some((j) => !this.services[j.service])) {
        this.know(await listAll("print-services", { vendor: config.vendor_id }, { retries: 0 }));
      }
      firstLoad = false;
      this.count();
      if (arrivals.length) {
        this.$store.dash.cue(arrivals.length === 1
          ? fmt(gettext("New print job #%(id)s · %(pages)s pages × %(copies)s"), { id: arrivals[0].id, pages: arrivals[0].pages, copies: arrivals[0].copies })
          : fmt(gettext("%(count)s new print jobs: %(ids)s"), { count: arrivals.length, ids: arrivals.map((j) => "#" + j.id).join(", ") }));
      }
      const unsettled = Object.keys(this.finished).map(Number).filter((id) => !this.$store.payments.settled("print_job:" + id));
      await this.$store.payments.load("print_job", unsettled).catch(() => {});
    },
  };
}
