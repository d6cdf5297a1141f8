/* Pickup slots (food): make a day's slots in one go, then change capacity, pause or delete them. */
import { ApiError, config, listAll, patch, post, remove } from "./api.js";
import { dayOf, localIso, plural, slotLabel, today } from "./format.js";
import { fmt, gettext, ngettext } from "./i18n.js";

const minutes = (hhmm) => { const [h, m] = hhmm.split(":"); return parseInt(h, 10) * 60 + parseInt(m, 10); };
const hhmm = (total) => String(Math.floor(total / 60)).padStart(2, "0") + ":" + String(total % 60).padStart(2, "0");

export function slotsEditor() {
  return {
    batch: { date: today(), first: "12:00", last: "14:00", minutes: "30", capacity: "20" },
    day: today(),
    slots: [],
    loaded: false,
    caps: {}, // slot id → the capacity typed in its row
    rowBusy: {},
    confirming: {},
    creating: false,

    init() {
      this.$store.dash.onTab("slots", () => this.load());
    },

    label(slot) { return slotLabel(slot) + (slot.schedule ? " · weekly" : ""); },
    units(slot) { return slot.capacity_units ? slot.reserved_units + " / " + slot.capacity_units : String(slot.reserved_units || 0); },
    capLabel(slot) { return fmt(gettext("Capacity of %(slot)s"), { slot: slotLabel(slot) }); },
    activeLabel(slot) { return fmt(gettext("Taking orders for %(slot)s"), { slot: slotLabel(slot) }); },
    isBusy(slot) { return !!this.rowBusy[slot.id]; },
    minCap(slot) { return String(Math.max(1, slot.reserved)); },
    deleteLabel(slot) { return this.confirming[slot.id] ? gettext("Really delete?") : gettext("Delete"); },

    plan() {
      const b = this.batch;
      const length = parseInt(b.minutes, 10);
      const capacity = parseInt(b.capacity, 10);
      if (!b.date || !b.first || !b.last) return { error: gettext("Pick a day, a first start and a last end.") };
      if (!(length >= 5 && length <= 240)) return { error: gettext("Each slot lasts 5 to 240 minutes.") };
      if (!(capacity >= 1 && capacity <= 1000)) return { error: gettext("Orders per slot: 1 to 1000.") };
      const slots = [];
      for (let start = minutes(b.first); start + length <= minutes(b.last); start += length) {
        slots.push({
          label: hhmm(start) + "–" + hhmm(start + length), capacity,
          starts_at: localIso(b.date, hhmm(start), config.utc_offset), ends_at: localIso(b.date, hhmm(start + length), config.utc_offset),
        });
      }
      if (!slots.length) return { error: gettext("The last slot must end after the first one starts, at least one slot length later.") };
      if (slots.length > 48) return { error: fmt(gettext("That is %(n)s slots; make at most 48 at once."), { n: slots.length }) };
      return { slots };
    },
    preview() {
      const p = this.plan();
      if (p.error) return p.error;
      return plural(p.slots.length, ngettext("%(n)s slot", "%(n)s slots", p.slots.length)) + ": " + p.slots.map((s) => s.label).join(", ");
    },

    async create() {
      const p = this.plan();
      const dash = this.$store.dash;
      if (p.error) { dash.showError({ message: p.error }); return; }
      if (this.creating) return;
      this.creating = true;
      let made = 0;
      const failures = [];
      // One POST per slot, in order; a refused one does not stop the rest.
      for (const slot of p.slots) {
        try {
          await post("slots", { starts_at: slot.starts_at, ends_at: slot.ends_at, capacity: slot.capacity });
          made += 1;
        } catch (error) {
          failures.push(slot.label + ": " + error.message);
        }
      }
      const summary = fmt(gettext("Created %(made)s of %(all)s slots."), { made, all: p.slots.length });
      if (failures.length) dash.showError(new ApiError(400, "partial", summary + " " + failures.join(" ")));
      else { dash.clearError(); dash.showBanner(summary); }
      this.day = this.batch.date;
      await this.load();
      this.creating = false;
    },

    async load() {
      const day = this.day || today();
      // The API lists slots not yet ended unless asked for past ones too.
      try {
        const slots = await listAll("slots", { vendor: config.vendor_id, upcoming: day < today() ? "false" : "" });
        this.slots = slots.filter((s) => dayOf(s.starts_at) === day).sort((a, b) => new Date(a.starts_at) - new Date(b.starts_at));
        const caps = {};
        for (const s of this.slots) caps[s.id] = String(s.capacity);
        this.caps = caps;
        this.loaded = true;
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },

    async change(slot, body, undo) {
      this.rowBusy[slot.id] = true;
      try {
        const result = await patch("slots/" + slot.id, body);
        this.slots = this.slots.map((s) => (s.id === result.id ? result : s));
        this.caps[result.id] = String(result.capacity);
        this.$store.dash.clearError();
        this.$store.dash.showBanner(fmt(gettext("Saved %(slot)s."), { slot: slotLabel(result) }));
      } catch (error) {
        undo();
        this.$store.dash.showError(error);
      } finally {
        delete this.rowBusy[slot.id];
      }
    },
    saveCapacity(slot) {
      const value = parseInt(this.caps[slot.id], 10);
      if (!(value >= 1)) { this.$store.dash.showError({ message: gettext("Capacity is a whole number of orders, at least 1.") }); return; }
      this.change(slot, { capacity: value }, () => { this.caps[slot.id] = String(slot.capacity); });
    },
    toggleActive(slot, checkbox) {
      this.change(slot, { is_active: checkbox.checked }, () => { checkbox.checked = slot.is_active !== false; });
    },
    async removeSlot(slot) {
      if (!this.confirming[slot.id]) { this.confirming[slot.id] = true; return; }
      this.rowBusy[slot.id] = true;
      try {
        await remove("slots/" + slot.id);
        this.slots = this.slots.filter((s) => s.id !== slot.id);
        this.$store.dash.showBanner(fmt(gettext("Deleted %(slot)s."), { slot: slotLabel(slot) }));
      } catch (error) {
        this.$store.dash.showError(error);
      } finally {
        delete this.rowBusy[slot.id];
      }
    },
  };
}
