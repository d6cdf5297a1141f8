/* The Money tab: the balance the ledger owes the shop, and sales per day as a bar chart. */
import { config, get } from "./api.js";
import { rupees, rupeesShort, shortDay, today } from "./format.js";

const W = 720, H = 240, LEFT = 56, BOTTOM = 36, TOP = 24, RIGHT = 8;
const PLOT_H = H - TOP - BOTTOM;
const DAYS = 14; // as many bars as the template draws (dashboard/views.py CHART_DAYS)

export function moneyTab() {
  return {
    balance: {},
    days: [],
    total: "",

    init() {
      this.$store.dash.onTab("money", () => this.load());
    },

    field(name) { return this.balance[name] === undefined ? "–" : rupees(this.balance[name]); },
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
        title: d.date + ": " + rupees(d.sales_paise) + " (taken " + rupees(d.captured_paise) + ", refunded " + rupees(d.refunded_paise) + ")",
        value: d.sales_paise > 0 ? rupeesShort(d.sales_paise) : "", mid: (x + width / 2).toFixed(1), valueY: (TOP + PLOT_H - height - 5).toFixed(1),
        day: shortDay(d.date + "T12:00:00" + config.utc_offset),
      };
    },
    dayY() { return H - BOTTOM + 16; },

    async load() {
      try {
        const [balance, rows] = await Promise.all([get("ledger/balance"), get(config.sales_url, { days: DAYS })]);
        this.balance = balance;
        this.days = rows.slice(-DAYS).map((r) => ({
          date: r.date, captured_paise: r.captured_paise, refunded_paise: r.refunded_paise,
          sales_paise: Math.max(0, r.captured_paise - r.refunded_paise),
        }));
        const captured = this.days.reduce((sum, d) => sum + d.captured_paise, 0);
        const refunded = this.days.reduce((sum, d) => sum + d.refunded_paise, 0);
        this.total = "· " + rupees(captured - refunded) + " after refunds (" + rupees(captured) + " taken, " + rupees(refunded) + " refunded)";
      } catch (error) {
        this.$store.dash.showError(error);
      }
    },
  };
}
