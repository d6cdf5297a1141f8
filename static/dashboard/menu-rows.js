/*
 * The menu table's rows (mixed into catalogEditor('menu')): the items in menu order by category,
 * what each row says (diet mark, notes, stock), the quick stock controls during service
 * (POST /menu-items/{id}/stock) and the up/down buttons that swap sort orders (PATCH).
 */
import { config, get, patch, post } from "./api.js";
import { plural } from "./format.js";
import { fmt, gettext, ngettext } from "./i18n.js";

const STEP = 10; // sort orders are spaced, so a new dish fits at the end of its category

const byName = (a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id;
const inMenuOrder = (a, b) => a.sort_order - b.sort_order || byName(a, b);

// The students' order (catalog.selectors.menu_sorted): the shop's category order, then by name.
function sectionsOf(items, categoryOrder) {
  const rank = new Map((categoryOrder || []).map((name, index) => [name, index]));
  const groups = new Map();
  for (const item of items) {
    const name = item.category || "";
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(item);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (rank.get(a) ?? rank.size) - (rank.get(b) ?? rank.size) || a.toLowerCase().localeCompare(b.toLowerCase()))
    .map(([name, members]) => ({ name, label: name || gettext("No category"), items: members.sort(inMenuOrder) }));
}

// The sort order that puts a new dish after the others of its category.
export function nextSortOrder(items, category) {
  const orders = items.filter((i) => (i.category || "") === (category || "")).map((i) => i.sort_order);
  return orders.length ? Math.max(...orders) + STEP : 0;
}

const TAG_WORDS = { jain: gettext("Jain"), vegan: gettext("Vegan"), spicy: gettext("Spicy"), bestseller: gettext("Bestseller") };
const ALLERGEN_WORDS = () => config.allergen_labels || {};

export function menuRows() {
  return {
    sections: [],
    categoryOrder: [],
    categoryOrderKnown: false,
    categoryBusy: false,
    dragging: null,

    hooks: {
      load() {
        this.regroup();
        if (!this.categoryOrderKnown) this.loadCategoryOrder();
      },
    },

    // The shop's order of its categories (GET /vendor/shop), once per page.
    async loadCategoryOrder() {
      this.categoryOrderKnown = true;
      try {
        const shop = await get("vendor/shop");
        this.categoryOrder = shop.category_order || [];
        this.regroup();
      } catch (error) {
        this.categoryOrderKnown = false;
        this.$store.dash.showError(error);
      }
    },

    // Move a whole category up (-1) or down (+1): the shop's category order becomes the one shown.
    async moveCategory(section, direction) {
      const names = this.sections.map((s) => s.name);
      const from = names.indexOf(section.name);
      const to = from + direction;
      if (from < 0 || to < 0 || to >= names.length || this.categoryBusy) return;
      [names[from], names[to]] = [names[to], names[from]];
      this.categoryBusy = true;
      try {
        const shop = await patch("vendor/shop", { category_order: names });
        this.categoryOrder = shop.category_order || names;
        this.regroup();
        this.$store.dash.clearError();
      } catch (error) {
        this.$store.dash.showError(error);
      } finally {
        this.categoryBusy = false;
      }
      this.$nextTick(() => {
        const head = this.$root.querySelector('#menu-table tbody[data-category="' + CSS.escape(section.name) + '"] .menu-table__category');
        const button = head && (head.querySelector(direction < 0 ? ".move-up:not(:disabled)" : ".move-down:not(:disabled)") || head.querySelector("button:not(:disabled)"));
        if (button) button.focus();
      });
    },

    regroup() {
      this.sections = sectionsOf(this.items, this.categoryOrder);
    },

    dietLabel(item) { return (config.diet_labels || {})[item.diet] || item.diet; },

    dishNotes(item) {
      const notes = (item.tags || []).map((tag) => TAG_WORDS[tag] || tag);
      if (item.allergens && item.allergens.length) {
        const names = item.allergens.map((a) => (ALLERGEN_WORDS()[a] || a).toLowerCase()).join(", ");
        notes.push(fmt(gettext("Allergens: %(names)s"), { names }));
      }
      const groups = (item.option_groups || []).length;
      if (groups) notes.push(plural(groups, ngettext("%(n)s option group", "%(n)s option groups", groups)));
      if (item.daily_stock !== null && item.daily_stock !== undefined) notes.push(fmt(gettext("%(n)s each morning"), { n: item.daily_stock }));
      if (item.max_per_order) notes.push(fmt(gettext("at most %(n)s per order"), { n: item.max_per_order }));
      return notes.join(" · ");
    },

    stockText(item) {
      if (item.stock === null || item.stock === undefined) return gettext("No limit");
      return item.stock === 0 ? gettext("Sold out") : fmt(gettext("%(n)s left"), { n: item.stock });
    },
    soldOutLabel(item) { return fmt(gettext("Mark %(name)s sold out"), { name: item.name }); },
    addStockLabel(item, count) { return fmt(gettext("Add %(count)s to the stock of %(name)s"), { count, name: item.name }); },
    moveLabel(item, step) { return fmt(step < 0 ? gettext("Move %(name)s up") : gettext("Move %(name)s down"), { name: item.name }); },
    moveCategoryLabel(section, step) {
      return fmt(step < 0 ? gettext("Move category %(name)s up") : gettext("Move category %(name)s down"), { name: section.label });
    },
    stockClass(item) {
      if (item.stock === null || item.stock === undefined) return "stock--none";
      return item.stock === 0 ? "stock--out" : "stock--some";
    },

    async stockAction(item, body, done) {
      if (this.rowBusy[item.id]) return;
      this.rowBusy[item.id] = true;
      try {
        const result = await post("menu-items/" + item.id + "/stock", body);
        this.replaceItem(result);
        this.$store.dash.clearError();
        this.$store.dash.showBanner(done(result));
      } catch (error) {
        this.$store.dash.showError(error);
      } finally {
        delete this.rowBusy[item.id];
      }
    },
    soldOut(item) {
      return this.stockAction(item, { sold_out: true }, (r) => fmt(gettext("%(name)s is sold out for today."), { name: r.name }));
    },
    addStock(item, count) {
      return this.stockAction(item, { add: count }, (r) => r.name + ": " + this.stockText(r) + ".");
    },

    /*
     * Move an item one place up (-1) or down (+1) within its category. Two items with distinct
     * sort orders swap them (two PATCHes); where some are equal (a menu never reordered), the
     * category is numbered afresh in the wanted order, sending only the orders that change.
     */
    async move(item, direction) {
      const section = this.sectionOf(item);
      if (!section) return;
      const list = section.items.slice();
      const from = list.findIndex((i) => i.id === item.id);
      const to = from + direction;
      if (to < 0 || to >= list.length) return;
      const other = list[to];
      const distinct = new Set(list.map((i) => i.sort_order)).size === list.length;
      [list[from], list[to]] = [list[to], list[from]];
      const wanted = distinct ? [[item, other.sort_order], [other, item.sort_order]] : this.renumbered(list);
      await this.sendOrders(wanted);
      this.$nextTick(() => this.refocus(item, direction));
    },

    sectionOf(item) { return this.sections.find((s) => s.items.some((i) => i.id === item.id)); },

    // [item, sort order] for each item of `list` whose order must change to be STEP apart in that order.
    renumbered(list) {
      return list.map((i, index) => [i, index * STEP]).filter(([i, order]) => i.sort_order !== order);
    },

    async sendOrders(wanted) {
      if (!wanted.length || wanted.some(([i]) => this.rowBusy[i.id])) return;
      wanted.forEach(([i]) => { this.rowBusy[i.id] = true; });
      try {
        const results = await Promise.all(wanted.map(([i, order]) => patch("menu-items/" + i.id, { sort_order: order })));
        results.forEach((result) => this.replaceItem(result));
        this.$store.dash.clearError();
      } catch (error) {
        this.$store.dash.showError(error);
        await this.load(); // some may have moved: show what the server has
      } finally {
        wanted.forEach(([i]) => { delete this.rowBusy[i.id]; });
      }
    },

    /* Drag and drop with a mouse, within a category (the buttons do the same from the keyboard). */
    dragStart(item, event) {
      this.dragging = item.id;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", item.name);
    },
    dragOver() { /* the drop target: `.prevent` lets the row take the drop */ },
    dragEnd() { this.dragging = null; },
    dropOn(target) {
      const dragged = this.items.find((i) => i.id === this.dragging);
      this.dragging = null;
      const section = dragged && this.sectionOf(target);
      if (!section || dragged.id === target.id || !section.items.some((i) => i.id === dragged.id)) return;
      const list = section.items.filter((i) => i.id !== dragged.id);
      const at = list.findIndex((i) => i.id === target.id);
      const before = section.items.findIndex((i) => i.id === dragged.id) > section.items.findIndex((i) => i.id === target.id);
      list.splice(before ? at : at + 1, 0, dragged);
      return this.sendOrders(this.renumbered(list));
    },

    // Keep the keyboard where it was: on the moved row's button (or its other one at an end).
    refocus(item, direction) {
      const row = this.$root.querySelector('#menu-table tr[data-item-id="' + item.id + '"]');
      if (!row) return;
      const same = row.querySelector(direction < 0 ? ".move-up" : ".move-down");
      const other = row.querySelector(direction < 0 ? ".move-down" : ".move-up");
      (same && !same.disabled ? same : other).focus();
    },
  };
}
