/* Weekly slot schedules and closure days (food): the server makes the slots SLOT_HORIZON_DAYS ahead
   whenever one changes; this editor lists, adds, edits and deletes them, then asks the slots table
   to load again (the "slots-changed" event). */
import { listAll, patch, post, remove } from "./api.js";
import { plural } from "./format.js";
import { fmt, gettext, ngettext } from "./i18n.js";

const DAYS = [gettext("Mon"), gettext("Tue"), gettext("Wed"), gettext("Thu"), gettext("Fri"), gettext("Sat"), gettext("Sun")];
const blank = () => ({ weekdays: ["0", "1", "2", "3", "4"], first_start: "12:00", last_end: "14:00", slot_minutes: "30", capacity: "20", capacity_units: "" });
const whole = (text) => (/^\s*\d+\s*$/.test(String(text)) ? parseInt(text, 10) : NaN);

export function scheduleEditor() {
  return {
    days: DAYS.map((name, index) => ({ name, value: String(index) })),
    schedules: [],
    closures: [],
    form: blank(),
    editing: null, // the id of the schedule in the form, or null for a new one
    closure: { date: "", reason: "" },
    saving: false,
    confirming: {},

    init() {
      this.$store.dash.onTab("slots", () => this.load());
    },

    async load() {
      try {
        const [schedules, closures] = await Promise.all([listAll("slot-schedules"), listAll("closures")]);
        this.schedules = schedules;
        this.closures = closures;
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },

    describe(s) {
      const days = s.weekdays.map((d) => DAYS[d]).join(", ");
      const units = s.capacity_units ? " · " + fmt(gettext("%(units)s kitchen units"), { units: s.capacity_units }) : "";
      const off = s.is_active ? "" : " · " + gettext("stopped");
      const every = fmt(gettext("every %(minutes)s min"), { minutes: s.slot_minutes });
      const orders = plural(s.capacity, ngettext("%(n)s order", "%(n)s orders", s.capacity));
      return days + " · " + s.first_start + "–" + s.last_end + " · " + every + " · " + orders + units + off;
    },
    closureLabel(c) { return c.date + (c.reason ? " · " + c.reason : ""); },
    formTitle() { return this.editing ? gettext("Change the weekly schedule") : gettext("Add a weekly schedule"); },
    saveLabel() { return this.editing ? gettext("Save schedule") : gettext("Add schedule"); },
    deleteLabel(s) { return this.confirming[s.id] ? gettext("Really delete?") : gettext("Delete"); },
    editLabel(s) { return fmt(gettext("Edit %(what)s"), { what: this.describe(s) }); },

    body() {
      const f = this.form;
      const body = {
        weekdays: f.weekdays.map((d) => parseInt(d, 10)).sort(),
        first_start: f.first_start,
        last_end: f.last_end,
        slot_minutes: whole(f.slot_minutes),
        capacity: whole(f.capacity),
        capacity_units: String(f.capacity_units).trim() === "" ? null : whole(f.capacity_units),
      };
      if (!body.weekdays.length) return { error: gettext("Tick at least one weekday.") };
      if (!body.first_start || !body.last_end || body.last_end <= body.first_start) return { error: gettext("The last end must be after the first start.") };
      if (!(body.slot_minutes >= 5 && body.slot_minutes <= 240)) return { error: gettext("Each slot lasts 5 to 240 minutes.") };
      if (!(body.capacity >= 1 && body.capacity <= 1000)) return { error: gettext("Orders per slot: 1 to 1000.") };
      if (body.capacity_units !== null && !(body.capacity_units >= 1)) return { error: gettext("Kitchen units: a whole number, or empty for no cap.") };
      return { body };
    },

    async save() {
      const dash = this.$store.dash;
      const planned = this.body();
      if (planned.error) { dash.showError({ message: planned.error }); return; }
      if (this.saving) return;
      this.saving = true;
      try {
        if (this.editing) await patch("slot-schedules/" + this.editing, planned.body);
        else await post("slot-schedules", planned.body);
        dash.clearError();
        dash.showBanner(this.editing ? gettext("Schedule saved; its slots follow.") : gettext("Schedule added; its slots are made for the week ahead."));
        this.cancelEdit();
        await this.load();
        this.$dispatch("slots-changed");
      } catch (error) {
        dash.showError(error);
      } finally {
        this.saving = false;
      }
    },
    edit(s) {
      this.editing = s.id;
      this.form = {
        weekdays: s.weekdays.map(String), first_start: s.first_start, last_end: s.last_end,
        slot_minutes: String(s.slot_minutes), capacity: String(s.capacity), capacity_units: s.capacity_units ? String(s.capacity_units) : "",
      };
    },
    cancelEdit() { this.editing = null; this.form = blank(); },
    async removeSchedule(s) {
      if (!this.confirming[s.id]) { this.confirming[s.id] = true; return; }
      try {
        await remove("slot-schedules/" + s.id);
        this.$store.dash.showBanner(gettext("Schedule deleted; slots with orders stay."));
        await this.load();
        this.$dispatch("slots-changed");
      } catch (error) {
        this.$store.dash.showError(error);
      } finally {
        delete this.confirming[s.id];
      }
    },

    async addClosure() {
      const dash = this.$store.dash;
      if (!this.closure.date) { dash.showError({ message: gettext("Pick the day you are closed.") }); return; }
      try {
        await post("closures", { date: this.closure.date, reason: this.closure.reason.trim() });
        dash.clearError();
        dash.showBanner(fmt(gettext("Closed on %(date)s; that day's empty slots are gone."), { date: this.closure.date }));
        this.closure = { date: "", reason: "" };
        await this.load();
        this.$dispatch("slots-changed");
      } catch (error) {
        dash.showError(error);
      }
    },
    async removeClosure(c) {
      try {
        await remove("closures/" + c.id);
        this.$store.dash.showBanner(fmt(gettext("Open again on %(date)s."), { date: c.date }));
        await this.load();
        this.$dispatch("slots-changed");
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },
  };
}
