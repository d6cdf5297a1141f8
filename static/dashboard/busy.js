/* The "busy" switch (food): pause new orders for 15, 30 or 60 minutes, or resume. The server keeps
   `paused_until` on the shop; students see "Paused until …" and the API refuses new orders. */
import { get, patch } from "./api.js";
import { clock } from "./format.js";
import { fmt, gettext } from "./i18n.js";


export function busySwitch() {
  return {
    until: null,
    known: false,
    busy: false,
    now: Date.now(),

    init() {
      get("vendor/shop").then((shop) => { this.until = shop.paused_until; this.known = true; }, () => {});
      setInterval(() => { this.now = Date.now(); }, 15000);
    },
    paused() { return !!this.until && new Date(this.until).getTime() > this.now; },
    label() { return this.paused() ? fmt(gettext("Busy · paused until %(time)s"), { time: clock(this.until) }) : gettext("Taking new orders"); },
    disabled() { return !this.known || this.busy; },

    async send(body, done) {
      if (this.busy) return;
      this.busy = true;
      try {
        const shop = await patch("vendor/shop", body);
        this.until = shop.paused_until;
        this.now = Date.now();
        this.$store.dash.clearError();
        this.$store.dash.showBanner(done());
      } catch (error) {
        this.$store.dash.showError(error);
      } finally {
        this.busy = false;
      }
    },
    pause(minutes) { this.send({ pause_minutes: minutes }, () => fmt(gettext("Paused new orders until %(time)s."), { time: clock(this.until) })); },
    pause15() { this.pause(15); },
    pause30() { this.pause(30); },
    pause60() { this.pause(60); },
    resume() { this.send({ paused_until: null }, () => gettext("Taking new orders again.")); },
  };
}
