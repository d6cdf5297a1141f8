/* The food counter's queue: today's slots and every live order, by pickup slot, on shared cards. */
import { config, get, listAll, post } from "./api.js";
import { ENDED, ENDED_WORDS, REFUNDED_SHOWN_MS, cardBase, isRefundCancelled, sortVanished } from "./cards.js";
import { byCreated, clock, dayOf, plural, rupees, slotLabel, stamp, today } from "./format.js";
import { fmt, gettext, ngettext } from "./i18n.js";

// Unclaimed: ready but not collected in time (issue 20); it stays here, completable with the code.
const LIVE = ["paid", "accepted", "ready", "unclaimed"];
const KEEP_ENDED_MS = 120000; // an order ended here stays on screen a moment, with its refund

function orderCard(order, isNew) {
  const card = {
    ...cardBase("order", order), total: rupees(order.total_paise), isNew: isNew && order.status === "paid",
    items: order.items || [], lines: [], sent: fmt(gettext("Placed %(time)s"), { time: stamp(order.created_at) }), download: "",
  };
  const reject = { button: gettext("Reject order"), label: gettext("Reason for rejecting order %(id)s"), placeholder: gettext("Reason, e.g. out of paneer") };
  if (order.status === "paid") {
    card.actions = [{ verb: "accept", label: gettext("Accept"), cls: "btn btn--primary" }];
    card.reject = reject;
  } else if (order.status === "accepted") {
    card.actions = [
      { verb: "ready", label: gettext("Mark ready"), cls: "btn btn--ok" },
      // The student gets an SMS with the new time (issue 20); the contract allows 5..120 minutes.
      { verb: "delay", label: fmt(gettext("Late +%(minutes)s min"), { minutes: 10 }), cls: "btn btn--small", body: { minutes: 10 } },
    ];
    card.reject = reject;
    if (order.estimated_ready_at) {
      const late = order.delay_minutes ? " · " + fmt(gettext("%(minutes)s min late"), { minutes: order.delay_minutes }) : "";
      card.lines.push(fmt(gettext("Ready about %(time)s"), { time: clock(order.estimated_ready_at) }) + late);
    }
  } else if (order.status === "ready") {
    card.form = "pickup";
  } else if (order.status === "unclaimed") {
    card.lines.push(gettext("Not collected in time · still hand it over with the student's code (no refund)"));
    card.form = "pickup";
  } else {
    card.dismissable = true;
    if (order.status !== "completed") card.paymentKey = "order:" + order.id;
  }
  return card;
}

function prepLines(data) {
  const lines = Array.isArray(data) ? data : data.items || data.lines || data.results || [];
  return lines.map((line) => ({
    name: line.label || line.name || line.menu_item_name || fmt(gettext("Item %(id)s"), { id: line.menu_item || line.menu_item_id || "" }),
    quantity: line.quantity ?? line.total_quantity ?? line.total,
  }));
}

export function foodQueue() {
  const seenPaid = new Set();
  const acted = {}; // order id → when the vendor's own action answered (a poll begun before it is older)
  let firstLoad = true;
  return {
    slots: {}, // slot id → slot (with reserved/capacity)
    orders: {}, // order id → live (or just ended) order
    finished: {}, // order id → until when an ended order stays shown
    fresh: {}, // order id → true: arrived while the page was open
    prep: {}, // slot id → {open, title, lines}

    init() {
      this.$store.dash.onTab("queue", () => {});
      this.$store.poller.add(() => this.poll());
    },

    get groups() {
      const now = Date.now();
      const wanted = {};
      const todayKey = today();
      for (const slot of Object.values(this.slots)) if (dayOf(slot.starts_at) === todayKey) wanted[slot.id] = slot;
      for (const order of Object.values(this.orders)) {
        if (!wanted[order.slot.id]) wanted[order.slot.id] = this.slots[order.slot.id] || order.slot;
      }
      const orders = Object.values(this.orders).filter((o) => !this.finished[o.id] || this.finished[o.id] > now).sort(byCreated);
      return Object.values(wanted)
        .sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at) || a.id - b.id)
        .map((slot) => this.group(slot, orders.filter((o) => o.slot.id === slot.id)));
    },

    group(slot, orders) {
      const known = slot.capacity !== undefined;
      const pct = known && slot.capacity ? Math.min(100, Math.round((100 * slot.reserved) / slot.capacity)) : 0;
      return {
        id: slot.id, domId: "slot-" + slot.id, label: slotLabel(slot), past: new Date(slot.ends_at) < new Date(),
        known, reserved: known ? String(slot.reserved) : null, capacity: known ? String(slot.capacity) : null,
        barStyle: { width: pct + "%" },
        fill: known ? " " + fmt(gettext("%(reserved)s / %(capacity)s reserved"), { reserved: slot.reserved, capacity: slot.capacity }) + (slot.is_active === false ? " · " + gettext("not taking orders") : "") : "",
        cards: orders.map((o) => orderCard(o, !!this.fresh[o.id])),
      };
    },

    prepOf(id) { return this.prep[id] || { open: false, title: "", lines: [], loaded: false }; },

    async togglePrep(group) {
      const prep = this.prepOf(group.id);
      this.prep[group.id] = { ...prep, open: !prep.open };
      if (!prep.open) await this.loadPrep(group.id).catch((error) => this.$store.dash.showError(error));
    },

    async loadPrep(id) {
      const data = (await get("slots/" + id + "/prep-sheet")) || [];
      const slot = this.slots[id] || Object.values(this.orders).find((o) => o.slot.id === id)?.slot;
      const count = data.orders ?? data.order_count ?? null;
      const title = gettext("Prep sheet") + " · " + (slot ? slotLabel(slot) : "") + (count !== null ? " · " + plural(count, ngettext("%(n)s order", "%(n)s orders", count)) : "");
      this.prep[id] = { ...this.prepOf(id), title, lines: prepLines(data), loaded: true };
    },

    reloadOpenPreps() {
      return Promise.all(Object.entries(this.prep).filter(([, p]) => p.open).map(([id]) => this.loadPrep(Number(id))));
    },

    upsert(order) {
      if (LIVE.includes(order.status) || this.finished[order.id]) this.orders[order.id] = order;
      else delete this.orders[order.id];
    },

    count() {
      this.$store.dash.countTitle(Object.values(this.orders).filter((o) => o.status === "paid").length);
    },

    // The card's action, through the API; what it answers replaces the card.
    async queueAct(card, verb, body) {
      const result = await post("orders/" + card.id + "/" + verb, body);
      if (!result) return;
      acted[result.id] = Date.now();
      if (ENDED.includes(result.status)) {
        this.finished[result.id] = Date.now() + KEEP_ENDED_MS;
        const ended = fmt(gettext("Order #%(id)s %(status)s"), { id: result.id, status: ENDED_WORDS[result.status] || result.status });
        this.$store.dash.showBanner(ended + (result.reason ? ": " + result.reason : "") + ".");
      }
      this.upsert(result);
      this.count();
      if (result.status === "rejected") this.$store.payments.load("order", [result.id]).catch(() => {});
      this.$store.poller.now(); // the whole queue, now: the next poll may be a minute away
    },

    async queueRecheck(card) {
      const order = await get("orders/" + card.id).catch(() => null);
      if (!isRefundCancelled(order)) return;
      this.finished[order.id] = Date.now() + REFUNDED_SHOWN_MS;
      this.upsert(order);
      this.count();
    },

    queueDismiss(card) {
      delete this.finished[card.id];
      delete this.orders[card.id];
    },

    async poll() {
      const started = Date.now();
      const [slots, ...lists] = await Promise.all([
        listAll("slots", { vendor: config.vendor_id }, { retries: 0 }),
        ...LIVE.map((status) => listAll("orders", { status }, { retries: 0 })),
      ]);
      for (const slot of slots) this.slots[slot.id] = slot;
      // What an action answered after this poll began is newer than the lists: it stays.
      const newer = (id) => (acted[id] || 0) >= started;
      const live = lists.flat().filter((o) => !newer(o.id));
      const liveIds = new Set(live.map((o) => o.id));
      const now = Date.now();
      for (const [id, until] of Object.entries(this.finished)) {
        if (until < now) { delete this.finished[id]; delete this.orders[id]; }
      }
      const vanished = Object.keys(this.orders).map(Number).filter((id) => !liveIds.has(id) && !this.finished[id] && !newer(id));
      const { refunded, gone } = await sortVanished("orders", vanished);
      // An action may have answered while the lookups ran: what it answered is newer, and stays.
      for (const id of gone) if (!newer(id) && !this.finished[id]) delete this.orders[id];
      for (const order of refunded.filter((o) => !newer(o.id))) { this.finished[order.id] = now + REFUNDED_SHOWN_MS; this.orders[order.id] = order; }
      const arrivals = [];
      for (const order of live.filter((o) => !newer(o.id))) {
        if (order.status === "paid" && !seenPaid.has(order.id)) {
          seenPaid.add(order.id);
          if (!firstLoad) { arrivals.push(order); this.fresh[order.id] = true; }
        }
        this.upsert(order);
      }
      firstLoad = false;
      this.count();
      if (arrivals.length) {
        this.$store.dash.cue(arrivals.length === 1
          ? fmt(gettext("New order #%(id)s for %(slot)s · %(total)s"), { id: arrivals[0].id, slot: slotLabel(arrivals[0].slot), total: rupees(arrivals[0].total_paise) })
          : fmt(gettext("%(count)s new orders: %(ids)s"), { count: arrivals.length, ids: arrivals.map((o) => "#" + o.id).join(", ") }));
      }
      const unsettled = Object.keys(this.finished).map(Number)
        .filter((id) => this.orders[id] && this.orders[id].status !== "completed" && !this.$store.payments.settled("order:" + id));
      await Promise.all([this.reloadOpenPreps(), this.$store.payments.load("order", unsettled).catch(() => {})]);
    },
  };
}
