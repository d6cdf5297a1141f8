/* Weekly slot schedules and closure days (food): the server makes the slots SLOT_HORIZON_DAYS ahead
   whenever one changes; this editor lists, adds, edits and deletes them, then asks the slots table
   to load again (the "slots-changed" event). */
import { listAll, patch, post, remove } from "./api.js";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
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
      const units = s.capacity_units ? " · " + s.capacity_units + " kitchen units" : "";
      const off = s.is_active ? "" : " · stopped";
      return days + " · " + s.first_start + "–" + s.last_end + " · every " + s.slot_minutes + " min · " + s.capacity + " orders" + units + off;
    },
    closureLabel(c) { return c.date + (c.reason ? " · " + c.reason : ""); },
    formTitle() { return this.editing ? "Change the weekly schedule" : "Add a weekly schedule"; },
    saveLabel() { return this.editing ? "Save schedule" : "Add schedule"; },
    deleteLabel(s) { return this.confirming[s.id] ? "Really delete?" : "Delete"; },
    editLabel(s) { return "Edit " + this.describe(s); },

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
      if (!body.weekdays.length) return { error: "Tick at least one weekday." };
      if (!body.first_start || !body.last_end || body.last_end <= body.first_start) return { error: "The last end must be after the first start." };
      if (!(body.slot_minutes >= 5 && body.slot_minutes <= 240)) return { error: "Each slot lasts 5 to 240 minutes." };
      if (!(body.capacity >= 1 && body.capacity <= 1000)) return { error: "Orders per slot: 1 to 1000." };
      if (body.capacity_units !== null && !(body.capacity_units >= 1)) return { error: "Kitchen units: a whole number, or empty for no cap." };
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
        dash.showBanner(this.editing ? "Schedule saved; its slots follow." : "Schedule added; its slots are made for the week ahead.");
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
        this.$store.dash.showBanner("Schedule deleted; slots with orders stay.");
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
      if (!this.closure.date) { dash.showError({ message: "Pick the day you are closed." }); return; }
      try {
        await post("closures", { date: this.closure.date, reason: this.closure.reason.trim() });
        dash.clearError();
        dash.showBanner("Closed on " + this.closure.date + "; that day's empty slots are gone.");
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
        this.$store.dash.showBanner("Open again on " + c.date + ".");
        await this.load();
        this.$dispatch("slots-changed");
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },
  };
}
