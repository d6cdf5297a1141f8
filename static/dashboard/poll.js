/*
 * The one polling scheduler. Every `interval` ms it runs the registered jobs; while the tab is
 * hidden or the API fails, the gap doubles up to `max`; it runs again at once when the tab
 * comes back or the network returns, and drops back to `interval` after the first success.
 * `now()` during a run runs once more right after it (an event that came meanwhile is not lost);
 * `pace(ms)` changes the interval (stream.js slows it while the event stream is open).
 */
export function createPoller({ interval, max, onOk, onFail }) {
  const jobs = [];
  let delay = interval;
  let timer = null;
  let running = false;
  let again = false;
  let stopped = false;

  function plan(wait) {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(tick, wait);
  }

  async function tick() {
    if (stopped) return;
    if (running) { again = true; return; }
    running = true;
    clearTimeout(timer);
    const cap = Math.max(max, interval);
    try {
      await Promise.all(jobs.map((job) => job()));
      delay = document.visibilityState === "hidden" ? Math.min(cap, delay * 2) : interval;
      if (onOk) onOk();
    } catch (error) {
      delay = Math.min(cap, delay * 2);
      if (onFail) onFail(error);
    } finally {
      running = false;
      if (again) { again = false; plan(0); } else plan(delay);
    }
  }

  function now() {
    delay = interval;
    tick();
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") now();
  });
  window.addEventListener("online", now);

  return {
    add(job) { jobs.push(job); },
    start: now,
    now,
    pace(ms) {
      if (ms === interval) return;
      interval = ms;
      delay = ms;
      if (!running) plan(delay);
    },
    stop() { stopped = true; clearTimeout(timer); },
    get delay() { return delay; },
    get interval() { return interval; },
  };
}
