/*
 * The dashboard's words in the page's language (issue 25). The page loads Django's JavaScript
 * catalogue (/jsi18n/, a script URL) before these modules; it defines gettext and ngettext.
 * Without it (a page that does not load it) the English text is used as it is.
 * `fmt` fills named placeholders: fmt(gettext("Order #%(id)s"), { id: 7 }).
 */
export const gettext = globalThis.gettext || ((text) => text);
export const ngettext = globalThis.ngettext || ((one, many, n) => (n === 1 ? one : many));
export const fmt = (text, values) => text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
// The page's language, from <html lang>: "hi" or "en".
export const language = () => (document.documentElement.lang || "en").slice(0, 2);
