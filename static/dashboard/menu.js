/*
 * The menu (food) and the print services (stationery): one list with an add/edit form and
 * availability toggles, configured per kind. Prices are typed in rupees and sent in paise.
 */
import { config, listAll, patch, post, remove } from "./api.js";
import { paiseToInput, rupees, toPaise } from "./format.js";

const KINDS = {
  menu: {
    path: "menu-items", addTitle: "Add a dish", addButton: "Add dish",
    blank: { category: "", description: "" },
    fill: (item) => ({ category: item.category || "", description: item.description || "" }),
    body: (f) => ({ category: f.category.trim(), description: f.description.trim() }),
  },
  services: {
    path: "print-services", addTitle: "Add a print service", addButton: "Add service",
    blank: { unit: "page", is_colour: false },
    fill: (item) => ({ unit: item.unit, is_colour: !!item.is_colour }),
    body: (f) => ({ unit: f.unit, is_colour: !!f.is_colour }),
    loaded: (items) => window.dispatchEvent(new CustomEvent("tnt:services", { detail: items })),
  },
};

export function catalogEditor(kind) {
  const spec = KINDS[kind];
  const blank = () => ({ id: "", name: "", price: "", is_available: true, ...spec.blank });
  return {
    items: [],
    loaded: false,
    form: blank(),
    saving: false,
    rowBusy: {},
    confirming: {},

    init() {
      this.$store.dash.onTab(kind, () => this.load());
    },

    title() { return this.form.id ? "Edit " + this.editingName : spec.addTitle; },
    submitLabel() { return this.form.id ? "Save changes" : spec.addButton; },
    price(item) { return rupees(item.price_paise); },
    unitLabel(item) { return item.unit === "job" ? "job" : "page"; },
    isBusy(item) { return !!this.rowBusy[item.id]; },
    busyFor(item) { return this.rowBusy[item.id] ? "true" : null; },
    removeLabel(item) { return this.confirming[item.id] ? "Really remove?" : "Remove"; },

    async load() {
      try {
        const items = await listAll(spec.path, { vendor: config.vendor_id });
        this.items = items.filter((i) => i.vendor === undefined || i.vendor === config.vendor_id);
        this.loaded = true;
        if (spec.loaded) spec.loaded(this.items);
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },

    reset() {
      this.form = blank();
    },

    edit(item) {
      this.editingName = item.name;
      this.form = { id: String(item.id), name: item.name, price: paiseToInput(item.price_paise), is_available: !!item.is_available, ...spec.fill(item) };
      this.$refs.form.scrollIntoView({ behavior: "smooth", block: "start" });
      this.$refs.name.focus();
    },

    async save() {
      const f = this.form;
      const price = toPaise(f.price);
      const dash = this.$store.dash;
      if (price === null || price < 1) { dash.showError({ message: "Enter the price in rupees, like 45 or 45.50." }); this.$refs.price.focus(); return; }
      if (!f.name.trim()) { dash.showError({ message: "Give it a name." }); this.$refs.name.focus(); return; }
      if (this.saving) return;
      this.saving = true;
      const body = { ...spec.body(f), name: f.name.trim(), price_paise: price, is_available: !!f.is_available };
      try {
        const result = f.id ? await patch(spec.path + "/" + f.id, body) : await post(spec.path, body);
        dash.clearError();
        dash.showBanner((f.id ? "Saved " : "Added ") + result.name + " at " + rupees(result.price_paise) + ".");
        this.reset();
        await this.load();
      } catch (error) {
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
        this.$store.dash.showBanner("Removed " + item.name + ".");
      } catch (error) {
        this.$store.dash.showError(error);
      } finally {
        delete this.rowBusy[item.id];
      }
    },
  };
}
