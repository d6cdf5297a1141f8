/*
 * What every tab shares, as the Alpine store `dash`: the alert and the banner, the tabs,
 * the open/closed switch, the setup checklist, sound on new orders, and the live status.
 */
import { config, get, inWords, onSignedOut, patch } from "./api.js";
import { clock } from "./format.js";
import { fmt, gettext } from "./i18n.js";

const SOUND_KEY = "tnt-dashboard-sound";
const BANNER_MS = 15000;
const ALERT_MS = 20000;

// The checklist from the shop's setup answer (served with the page, then from GET dashboard/setup).
function setupState(setup) {
  if (!setup || setup.has_orders) return { visible: false, done: !!setup, has_menu: false, has_slots: false, is_open: false };
  return { visible: true, done: false, has_menu: !!setup.has_menu, has_slots: !!setup.has_slots, is_open: !!setup.is_open };
}

export function shellStore() {
  const timers = {};
  const loaders = {};
  return {
    isFood: config.vendor_type === "food",
    shopName: config.shop_name,
    tab: null,
    alert: { text: "", visible: false, signedOut: false },
    banner: { text: "", visible: false },
    live: { text: gettext("Connecting…"), stale: false, title: "" },
    shop: { open: false, known: false, busy: false, label: gettext("Loading…") },
    sound: { wanted: window.localStorage.getItem(SOUND_KEY) !== "off", unlocked: false },
    setup: setupState(config.setup),
    waiting: 0,

    init() {
      onSignedOut((error) => {
        this.alert = { text: error.message + " ", visible: true, signedOut: true };
        this.live = { text: gettext("Signed out"), stale: true, title: "" };
      });
      // Browsers only let a page make sound after a tap; the first tap anywhere unlocks it. On the
      // click, not on pointer-down: the sound button's words change with it and rewrap the top bar,
      // and changed under a held finger they moved the tabs away before the release (a lost tap).
      document.addEventListener("click", () => this.unlockSound(), { once: true, capture: true });
      get("vendor/shop").then(
        (shop) => this.showOpen(!!shop.is_open),
        (error) => { this.shop.label = gettext("Shop state unknown"); this.showError(error); },
      );
      this.refreshSetup();
    },

    /* --- alert and banner --- */
    showError(error) {
      const text = error && error.message ? inWords(error) : gettext("Something went wrong. Try again.");
      if (this.alert.signedOut) return text;
      this.alert = { text, visible: true, signedOut: false };
      clearTimeout(timers.alert);
      timers.alert = setTimeout(() => this.clearError(), ALERT_MS);
      return text;
    },
    clearError() {
      if (!this.alert.signedOut) this.alert.visible = false;
    },
    showBanner(text) {
      this.banner = { text, visible: true };
      clearTimeout(timers.banner);
      timers.banner = setTimeout(() => { this.banner.visible = false; }, BANNER_MS);
    },

    /* --- tabs: each panel registers what to load when it is opened --- */
    onTab(name, load) { loaders[name] = load; },
    openTab(name, tabs) {
      if (tabs && !tabs.includes(name)) name = tabs[0];
      this.tab = name;
      if (window.location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
      if (loaders[name]) loaders[name]();
    },
    isTab(name) { return this.tab === name; },

    /* --- open / closed --- */
    showOpen(isOpen) {
      this.shop = { open: isOpen, known: true, busy: false, label: isOpen ? gettext("Open · taking orders") : gettext("Closed · paused") };
    },
    async setShopOpen(wanted) {
      if (!this.shop.known || this.shop.busy) return; // still loading, or being changed
      this.shop.busy = true;
      this.shop.open = wanted;
      try {
        const shop = await patch("vendor/shop", { is_open: wanted });
        this.showOpen(shop && "is_open" in shop ? !!shop.is_open : wanted);
        this.clearError();
      } catch (error) {
        this.showOpen(!wanted);
        this.showError(error);
      }
      this.refreshSetup();
    },

    /* --- first-order checklist: shown until the shop has taken its first order --- */
    async refreshSetup() {
      if (this.setup.done) return;
      try {
        const setup = await get(config.setup_url);
        this.setup = setupState(setup);
      } catch {
        /* the checklist is a nicety; the next poll tries again */
      }
    },
    stepDone(step) { return !!this.setup[step]; },

    /* --- sound --- */
    unlockSound() {
      if (!this.sound.wanted) return;
      const audio = document.getElementById("new-order-sound");
      audio.muted = true;
      audio.play().then(() => { audio.pause(); audio.currentTime = 0; audio.muted = false; this.sound.unlocked = true; },
        () => { audio.muted = false; });
    },
    soundLabel() {
      if (!this.sound.wanted) return gettext("Sound off");
      return this.sound.unlocked ? gettext("Sound on") : gettext("Tap to enable sound");
    },
    toggleSound() {
      this.sound.wanted = !this.sound.wanted;
      window.localStorage.setItem(SOUND_KEY, this.sound.wanted ? "on" : "off");
      if (this.sound.wanted) { this.sound.unlocked = true; this.beep(); }
    },
    beep() {
      if (!this.sound.wanted) return;
      const audio = document.getElementById("new-order-sound");
      audio.currentTime = 0;
      audio.play().catch(() => { this.sound.unlocked = false; });
    },
    // Something new arrived: say so at the top and beep.
    cue(text) {
      this.showBanner(text);
      this.beep();
    },

    /* --- live status, from the poller --- */
    polled() {
      this.live = { text: fmt(gettext("Live · updated %(time)s"), { time: clock(new Date()) }), stale: false, title: "" };
      this.refreshSetup();
    },
    pollFailed(error) {
      if (this.alert.signedOut) return;
      this.live = { text: gettext("Connection problem: retrying"), stale: true, title: error.message || "" };
    },
    countTitle(waiting) {
      this.waiting = waiting;
      document.title = (waiting ? "(" + waiting + ") " : "") + config.shop_name + " · " + gettext("Dashboard") + " · Tap N Take";
    },
  };
}
