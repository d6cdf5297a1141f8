/*
 * The Money tab: the statement of the last 30 days (GET /ledger/statement), every figure one of
 * its totals shown once so the tab and the statement always agree; and sales per day as a chart.
 */
import { config, get, query } from "./api.js";
import { dayOf, rupees, rupeesShort, shortDay, stamp, today } from "./format.js";
import { fmt, gettext } from "./i18n.js";

const STATEMENT_DAYS = 30;
const STATEMENT_WORDS = {
  capture: gettext("Payment"), fee: gettext("Platform fee"), refund: gettext("Refund"), refund_reversal: gettext("Failed refund given back"),
  release: gettext("Handed over: now available"), payout: gettext("Payout"), adjustment: gettext("Adjustment"),
};
const REFUND_WORDS = { processed: gettext("processed"), pending: gettext("on its way"), failed: gettext("failed") };

function statementRow(row, i) {
  let what = STATEMENT_WORDS[row.type] || row.type;
  if (row.refund_status && (row.type === "refund" || row.type === "fee")) what += " (" + (REFUND_WORDS[row.refund_status] || row.refund_status) + ")";
  return {
    key: i, type: row.type, paise: String(row.amount_paise), at: stamp(row.at), what,
    target: row.order ? fmt(gettext("Order #%(id)s"), { id: row.order }) : row.print_job ? fmt(gettext("Print #%(id)s"), { id: row.print_job }) : "",
    amount: rupees(row.amount_paise), balance: rupees(row.balance_paise),
  };
}

const W = 720, H = 240, LEFT = 56, BOTTOM = 36, TOP = 24, RIGHT = 8;
const PLOT_H = H - TOP - BOTTOM;
const DAYS = 14; // as many bars as the template draws (dashboard/views.py CHART_DAYS)

export function moneyTab() {
  return {
    totals: {},
    rows: [],
    loaded: false,
    period: "",
    balances: "",
    csvUrl: "#",
    days: [],

    init() {
      this.$store.dash.onTab("money", () => this.load());
    },

    total(name) { return this.totals[name] === undefined ? "–" : rupees(this.totals[name]); },
    paise(name) { return this.totals[name] === undefined ? null : String(this.totals[name]); },
    max() { return Math.max(100, ...this.days.map((d) => d.sales_paise)); },

    // The three grid lines (0, half, top) and their labels.
    axis(i) {
      const f = i / 2;
      const y = TOP + PLOT_H * (1 - f);
      return { x1: LEFT, x2: W - RIGHT, y, labelX: LEFT - 6, labelY: y + 4, label: this.days.length ? rupeesShort(Math.round(this.max() * f)) : "" };
    },

    // Day i of the chart (the template draws DAYS of them); empty until the sales are loaded.
    bar(i) {
      const d = this.days[i];
      const step = (W - LEFT - RIGHT) / DAYS;
      const width = Math.max(6, step * 0.62);
      const x = LEFT + i * step + (step - width) / 2;
      if (!d) return { date: "", paise: "", x: x.toFixed(1), y: TOP + PLOT_H, width: width.toFixed(1), height: "0", cls: "bar", title: "", value: "", mid: (x + width / 2).toFixed(1), valueY: 0, day: "" };
      const height = d.sales_paise > 0 ? Math.max(2, (PLOT_H * d.sales_paise) / this.max()) : 0;
      return {
        date: d.date, paise: String(d.sales_paise), x: x.toFixed(1), y: (TOP + PLOT_H - height).toFixed(1),
        width: width.toFixed(1), height: height.toFixed(1), cls: "bar" + (d.date === today() ? " bar--today" : ""),
        title: fmt(gettext("%(date)s: %(sales)s (taken %(captured)s, refunded %(refunded)s)"), { date: d.date, sales: rupees(d.sales_paise), captured: rupees(d.captured_paise), refunded: rupees(d.refunded_paise) }),
        value: d.sales_paise > 0 ? rupeesShort(d.sales_paise) : "", mid: (x + width / 2).toFixed(1), valueY: (TOP + PLOT_H - height - 5).toFixed(1),
        day: shortDay(d.date + "T12:00:00" + config.utc_offset),
      };
    },
    dayY() { return H - BOTTOM + 16; },

    async load() {
      const to = today();
      const from = dayOf(new Date(Date.now() - (STATEMENT_DAYS - 1) * 86400000));
      this.csvUrl = config.statement_url + query({ from, to, format: "csv" });
      try {
        const [statement, sales] = await Promise.all([get(config.statement_url, { from, to }), get(config.sales_url, { days: DAYS })]);
        this.totals = statement.totals;
        this.period = "· " + fmt(gettext("%(from)s to %(to)s"), { from, to });
        this.balances = "· " + fmt(gettext("opening %(opening)s, closing %(closing)s"), { opening: rupees(statement.opening.balance_paise), closing: rupees(statement.closing.balance_paise) });
        this.rows = statement.rows.slice().reverse().map(statementRow);
        this.loaded = true;
        this.days = sales.slice(-DAYS).map((r) => ({
          date: r.date, captured_paise: r.captured_paise, refunded_paise: r.refunded_paise,
          sales_paise: Math.max(0, r.captured_paise - r.refunded_paise),
        }));
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },
  };
}
