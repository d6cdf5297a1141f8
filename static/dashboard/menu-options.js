/*
 * The option groups of the dish being edited (mixed into catalogEditor('menu')): drafts of each
 * group (name, at least / at most, options with an extra price in rupees and an availability
 * switch), saved one group at a time: POST /menu-items/{id}/option-groups for a new one,
 * PATCH /option-groups/{id} (its options replaced, kept ones by id) or DELETE for one that exists.
 */
import { inWords, patch, post, remove } from "./api.js";
import { paiseToInput, toPaise } from "./format.js";
import { fmt, gettext } from "./i18n.js";

const MAX_CHOICES = 20;
let keys = 0;
const nextKey = () => (keys += 1);

const optionDraft = (option) => ({
  key: nextKey(), id: option ? option.id : null, name: option ? option.name : "",
  price: option ? paiseToInput(option.price_delta_paise) : "", is_available: option ? !!option.is_available : true,
});

const groupDraft = (group) => ({
  key: nextKey(), id: group ? group.id : null, name: group ? group.name : "",
  min: String(group ? group.min_choices : 0), max: String(group ? group.max_choices : 1),
  options: group ? group.options.map(optionDraft) : [optionDraft()],
  busy: false, error: "", confirming: false,
});

const count = (text) => (/^\d{1,2}$/.test(String(text).trim()) ? parseInt(text, 10) : NaN);

// The API's body for a draft, or a sentence saying what to fix.
function groupBody(group) {
  const name = group.name.trim();
  if (!name) return gettext("Give the group a name, like Size or Extras.");
  const min = count(group.min);
  const max = count(group.max);
  if (Number.isNaN(min) || min > MAX_CHOICES) return fmt(gettext("At least: enter a whole number from 0 to %(max)s."), { max: MAX_CHOICES });
  if (Number.isNaN(max) || max < 1 || max > MAX_CHOICES) return fmt(gettext("At most: enter a whole number from 1 to %(max)s."), { max: MAX_CHOICES });
  if (min > max) return gettext("At least cannot be more than at most.");
  const options = [];
  for (const [index, option] of group.options.entries()) {
    const optionName = option.name.trim();
    if (!optionName) return fmt(gettext("Option %(n)s: give it a name."), { n: index + 1 });
    const delta = String(option.price).trim() ? toPaise(option.price) : 0;
    if (delta === null) return fmt(gettext("%(name)s: enter the extra in rupees, like 15 or 0."), { name: optionName });
    options.push({ ...(option.id ? { id: option.id } : {}), name: optionName, price_delta_paise: delta, is_available: !!option.is_available });
  }
  if (min > options.length) return fmt(gettext("At least %(n)s needs that many options."), { n: min });
  return { name, min_choices: min, max_choices: max, options };
}

export function menuOptions() {
  return {
    groups: [],

    hooks: {
      edit(item) { this.groups = (item.option_groups || []).map(groupDraft); },
      reset() { this.groups = []; },
    },

    groupTitle(group) { return group.id ? group.name || gettext("Option group") : gettext("New option group"); },
    // `what`: name, extra in rupees, available or remove (the template passes these words as keys).
    optionLabel(group, index, what) {
      const words = { name: gettext("name"), "extra in rupees": gettext("extra in rupees"), available: gettext("available"), remove: gettext("remove") };
      return fmt(gettext("%(group)s option %(n)s %(what)s"), { group: group.name.trim() || gettext("Group"), n: index + 1, what: words[what] || what });
    },
    deleteGroupLabel(group) { return group.confirming ? gettext("Really delete?") : gettext("Delete group"); },

    groupAdd() { this.groups.push(groupDraft()); },
    optionAdd(group) { group.options.push(optionDraft()); },
    optionRemove(group, option) {
      if (group.options.length > 1) group.options = group.options.filter((o) => o.key !== option.key);
    },

    // The item's groups as the API now has them, into the row (the drafts keep their place).
    groupsChanged(groups) {
      if (!this.current) return;
      this.replaceItem({ ...this.current, option_groups: groups });
    },

    async groupSave(group) {
      const item = this.current;
      const body = groupBody(group);
      if (typeof body === "string") { group.error = body; return; }
      if (!item || group.busy) return;
      group.busy = true;
      group.error = "";
      try {
        const saved = group.id ? await patch("option-groups/" + group.id, body) : await post("menu-items/" + item.id + "/option-groups", body);
        Object.assign(group, groupDraft(saved), { key: group.key });
        const others = (item.option_groups || []).filter((g) => g.id !== saved.id);
        this.groupsChanged([...others, saved].sort((a, b) => a.sort_order - b.sort_order || a.id - b.id));
        this.$store.dash.showBanner(fmt(gettext("Saved the options %(name)s."), { name: saved.name }));
      } catch (error) {
        group.error = inWords(error);
      } finally {
        group.busy = false;
      }
    },

    async groupDelete(group) {
      if (!group.id) { this.groups = this.groups.filter((g) => g.key !== group.key); return; }
      if (!group.confirming) { group.confirming = true; return; }
      group.busy = true;
      try {
        await remove("option-groups/" + group.id);
        this.groups = this.groups.filter((g) => g.key !== group.key);
        this.groupsChanged((this.current.option_groups || []).filter((g) => g.id !== group.id));
        this.$store.dash.showBanner(fmt(gettext("Deleted the options %(name)s."), { name: group.name }));
      } catch (error) {
        group.busy = false;
        group.confirming = false;
        group.error = inWords(error);
      }
    },
  };
}
