/*
 * The menu (food) and the print services (stationery): one list with an add/edit form and
 * availability toggles, configured per kind. Prices are typed in rupees and sent in paise.
 * The menu adds its diet, allergens, tags and stock fields here, and mixes in its rows
 * (menu-rows.js: order, stock controls), its photo (menu-photo.js) and its options (menu-options.js).
 */
import { config, listAll, patch, post, remove } from "./api.js";
import { paiseToInput, rupees, toPaise } from "./format.js";
import { menuOptions } from "./menu-options.js";
import { menuPhoto } from "./menu-photo.js";
import { menuRows, nextSortOrder } from "./menu-rows.js";
import { fmt, gettext } from "./i18n.js";

const MAX_STOCK = 10000;
const MAX_PER_ORDER = 20;

// "" → null (no limit); digits within [low, high] → the number; anything else → undefined.
function whole(text, low, high) {
  const clean = String(text ?? "").trim();
  if (!clean) return null;
  if (!/^\d{1,6}$/.test(clean)) return undefined;
  const value = parseInt(clean, 10);
  return value >= low && value <= high ? value : undefined;
}

const MENU_NUMBERS = {
  stock: [0, MAX_STOCK, fmt(gettext("Enter how many are left (0 to %(max)s), or leave it empty for no limit."), { max: MAX_STOCK })],
  daily_stock: [0, MAX_STOCK, fmt(gettext("Enter a whole number from 0 to %(max)s, or leave it empty for no reset."), { max: MAX_STOCK })],
  max_per_order: [1, MAX_PER_ORDER, fmt(gettext("Enter a whole number from 1 to %(max)s, or leave it empty."), { max: MAX_PER_ORDER })],
};

const KINDS = {
  menu: {
    path: "menu-items", addTitle: gettext("Add a dish"), addButton: gettext("Add dish"),
    blank: { category: "", description: "", diet: "", allergens: [], tags: [], stock: "", stock_was: "", daily_stock: "", max_per_order: "" },
    fill: (item) => ({
      category: item.category || "", description: item.description || "", diet: item.diet || "",
      allergens: [...(item.allergens || [])], tags: [...(item.tags || [])],
      stock: String(item.stock ?? ""), stock_was: String(item.stock ?? ""), daily_stock: String(item.daily_stock ?? ""), max_per_order: String(item.max_per_order ?? ""),
    }),
    // The field errors of the numbers typed, or {} when they are all right.
    check: (f) => {
      const errors = {};
      for (const [field, [low, high, message]] of Object.entries(MENU_NUMBERS)) {
        if (whole(f[field], low, high) === undefined) errors[field] = message;
      }
      return errors;
    },
    // `stock` is sent only when typed (orders take it while the form is open: a price change
    // must not put back what they took).
    body: (f) => {
      const body = {
        category: f.category.trim(), description: f.description.trim(), diet: f.diet || null,
        allergens: [...f.allergens], tags: [...f.tags],
        daily_stock: whole(f.daily_stock, 0, MAX_STOCK), max_per_order: whole(f.max_per_order, 1, MAX_PER_ORDER),
      };
      if (!f.id || f.stock.trim() !== f.stock_was) body.stock = whole(f.stock, 0, MAX_STOCK);
      return body;
    },
    // A new dish goes to the end of its category.
    created: (items, body) => ({ sort_order: nextSortOrder(items, body.category) }),
    mixins: [menuRows, menuPhoto, menuOptions],
  },
  services: {
    path: "print-services", addTitle: gettext("Add a print service"), addButton: gettext("Add service"),
    blank: { unit: "page", is_colour: false },
    fill: (item) => ({ unit: item.unit, is_colour: !!item.is_colour }),
    body: (f) => ({ unit: f.unit, is_colour: !!f.is_colour }),
    loaded: (items) => window.dispatchEvent(new CustomEvent("tnt:services", { detail: items })),
  },
};

// The API's field errors as one line per field: {"stock": ["…"]} → {stock: "…"}.
function fieldErrors(details) {
  const errors = {};
  for (const [field, value] of Object.entries(details || {})) {
    errors[field] = Array.isArray(value) ? value.filter((v) => typeof v === "string").join(" ") : String(value);
  }
  return errors;
}

export function catalogEditor(kind) {
  const spec = KINDS[kind];
  const blank = () => ({ id: "", name: "", price: "", is_available: true, ...spec.blank });
  // Each mixin brings its state and methods, and `hooks` (load, edit, reset) called with the component as `this`.
  const mixins = (spec.mixins || []).map((make) => make());
  const hooks = (name) => mixins.map((mixin) => mixin.hooks && mixin.hooks[name]).filter(Boolean);
  const component = {
    items: [],
    loaded: false,
    form: blank(),
    errors: {},
    current: null, // the item being edited, as the API last answered
    saving: false,
    rowBusy: {},
    confirming: {},

    init() {
      this.$store.dash.onTab(kind, () => this.load());
    },

    title() { return this.form.id ? fmt(gettext("Edit %(what)s"), { what: this.editingName }) : spec.addTitle; },
    submitLabel() { return this.form.id ? gettext("Save changes") : spec.addButton; },
    price(item) { return rupees(item.price_paise); },
    unitLabel(item) { return item.unit === "job" ? gettext("job") : gettext("page"); },
    colourLabel(item) { return item.is_colour ? gettext("Colour") : gettext("B/W"); },
    availableLabel(item) { return fmt(gettext("%(name)s available"), { name: item.name }); },
    isBusy(item) { return !!this.rowBusy[item.id]; },
    busyFor(item) { return this.rowBusy[item.id] ? "true" : null; },
    removeLabel(item) { return this.confirming[item.id] ? gettext("Really remove?") : gettext("Remove"); },
    invalid(field) { return this.errors[field] ? "true" : null; },

    run(name, ...args) { hooks(name).forEach((hook) => hook.call(this, ...args)); },

    async load() {
      try {
        const items = await listAll(spec.path, { vendor: config.vendor_id });
        this.items = items.filter((i) => i.vendor === undefined || i.vendor === config.vendor_id);
        this.loaded = true;
        if (spec.loaded) spec.loaded(this.items);
        this.run("load");
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },

    // The API's new answer for one item: into the list (and the form's item), in place.
    replaceItem(result) {
      const item = this.items.find((i) => i.id === result.id);
      if (item) Object.assign(item, result);
      else this.items.push(result);
      if (this.current && this.current.id === result.id) this.current = item || result;
      this.run("load");
      return item || result;
    },

    reset() {
      this.form = blank();
      this.errors = {};
      this.current = null;
      this.run("reset");
    },

    edit(item) {
      this.editingName = item.name;
      this.errors = {};
      this.current = item;
      this.form = { id: String(item.id), name: item.name, price: paiseToInput(item.price_paise), is_available: !!item.is_available, ...spec.fill(item) };
      this.run("edit", item);
      this.$refs.form.scrollIntoView({ behavior: "smooth", block: "start" });
      this.$refs.name.focus();
    },

    async save() {
      const f = this.form;
      const price = toPaise(f.price);
      const dash = this.$store.dash;
      if (price === null || price < 1) { dash.showError({ message: gettext("Enter the price in rupees, like 45 or 45.50.") }); this.$refs.price.focus(); return; }
      if (!f.name.trim()) { dash.showError({ message: gettext("Give it a name.") }); this.$refs.name.focus(); return; }
      this.errors = spec.check ? spec.check(f) : {};
      if (Object.keys(this.errors).length) { dash.showError({ message: Object.values(this.errors)[0] }); return; }
      if (this.saving) return;
      this.saving = true;
      let body = { ...spec.body(f), name: f.name.trim(), price_paise: price, is_available: !!f.is_available };
      if (!f.id && spec.created) body = { ...body, ...spec.created(this.items, body) };
      try {
        const result = f.id ? await patch(spec.path + "/" + f.id, body) : await post(spec.path, body);
        dash.clearError();
        dash.showBanner(fmt(f.id ? gettext("Saved %(name)s at %(price)s.") : gettext("Added %(name)s at %(price)s."), { name: result.name, price: rupees(result.price_paise) }));
        this.reset();
        await this.load();
      } catch (error) {
        this.errors = fieldErrors(error.details);
        dash.showError(error);
      } finally {
        this.saving = false;
      }
    },

    async toggleAvailable(item, checkbox) {
      this.rowBusy[item.id] = true;
      try {
        const result = await patch(spec.path + "/" + item.id, { is_available: checkbox.checked });
        Object.assign(item, result);
        this.$store.dash.clearError();
      } catch (error) {
        checkbox.checked = !checkbox.checked;
        this.$store.dash.showError(error);
      } finally {
        delete this.rowBusy[item.id];
      }
    },

    async removeItem(item) {
      if (!this.confirming[item.id]) { this.confirming[item.id] = true; return; }
      this.rowBusy[item.id] = true;
      try {
        await remove(spec.path + "/" + item.id);
        this.items = this.items.filter((i) => i.id !== item.id);
        if (this.current && this.current.id === item.id) this.reset();
        this.run("load");
        this.$store.dash.showBanner(fmt(gettext("Removed %(name)s."), { name: item.name }));
      } catch (error) {
        this.$store.dash.showError(error);
      } finally {
        delete this.rowBusy[item.id];
      }
    },
  };
  for (const { hooks: _hooks, ...rest } of mixins) Object.assign(component, rest);
  return component;
}
