/* Every order (food) or print job (stationery) of the shop, filtered and paged by the API. */
import { config, get, listAll } from "./api.js";
import { STATUS_LABELS } from "./cards.js";
import { clock, rupees, shortDay, slotLabel, stamp } from "./format.js";
import { fmt, gettext } from "./i18n.js";

function orderRow(order) {
  return {
    id: order.id, orderId: String(order.id), jobId: null, status: order.status, statusLabel: STATUS_LABELS[order.status] || order.status,
    cells: ["#" + order.id, stamp(order.created_at), order.slot ? slotLabel(order.slot) : "–",
      (order.items || []).map((l) => l.quantity + " × " + l.name).join(", "), rupees(order.total_paise)],
    paymentKey: "order:" + order.id, extra: order.reason ? fmt(gettext("Reason: %(reason)s"), { reason: order.reason }) : "",
  };
}

function jobRow(job) {
  return {
    id: job.id, orderId: null, jobId: String(job.id), status: job.status, statusLabel: STATUS_LABELS[job.status] || job.status,
    cells: ["#" + job.id, stamp(job.created_at), job.service_name || fmt(gettext("Service #%(id)s"), { id: job.service }),
      job.pages + " × " + job.copies + (job.double_sided ? " " + gettext("(2-sided)") : ""),
      job.amount_paise ? rupees(job.amount_paise) : "≈ " + rupees(job.estimated_paise)],
    paymentKey: "print_job:" + job.id, extra: job.reason ? fmt(gettext("Reason: %(reason)s"), { reason: job.reason }) : "",
  };
}

export function historyTab() {
  const isFood = config.vendor_type === "food";
  let latest = 0;
  return {
    filters: { status: "", day: "", slot: "" },
    slotChoices: [],
    rows: [],
    loaded: false,
    page: 1,
    hasPrev: false,
    hasNext: false,
    pageText: "",

    init() {
      this.$store.dash.onTab("history", () => { this.fillSlots(); this.load(); });
    },

    async fillSlots() {
      if (!isFood) return;
      try {
        const slots = await listAll("slots", { vendor: config.vendor_id, upcoming: "false" });
        this.slotChoices = slots.sort((a, b) => new Date(b.starts_at) - new Date(a.starts_at))
          .map((s) => ({ value: String(s.id), label: shortDay(s.starts_at) + " " + clock(s.starts_at) + "–" + clock(s.ends_at) }));
      } catch { /* the filter still works without its list */ }
    },

    filter() { this.page = 1; this.load(); },
    newer() { if (this.page > 1) { this.page -= 1; this.load(); } },
    older() { this.page += 1; this.load(); },

    async load() {
      const ticket = ++latest; // filters change quickly: only the newest answer is shown
      const params = { status: this.filters.status, page: this.page, page_size: 20 };
      if (isFood) { params.slot = this.filters.slot; params.date = this.filters.day; }
      try {
        const data = await get(isFood ? "orders" : "print-jobs", params);
        if (ticket !== latest) return;
        const rows = data.results || [];
        this.rows = rows.map(isFood ? orderRow : jobRow);
        this.loaded = true;
        this.$store.payments.annotate(isFood ? "order" : "print_job", rows);
        this.hasPrev = !!data.previous;
        this.hasNext = !!data.next;
        this.pageText = data.count ? fmt(gettext("Page %(page)s · %(count)s in all"), { page: this.page, count: data.count }) : "";
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },
  };
}
