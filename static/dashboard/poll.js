/*
 * The one polling scheduler. Every `interval` ms it runs the registered jobs; while the tab is
 * hidden or the API fails, the gap doubles up to `max`; it runs again at once when the tab
 * comes back or the network returns, and drops back to `interval` after the first success.
 */
export function createPoller({ interval, max, onOk, onFail }) {
  const jobs = [];
  let delay = interval;
  let timer = null;
  let running = false;
  let stopped = false;

  function plan(wait) {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(tick, wait);
  }

  async function tick() {
    if (stopped || running) return;
    running = true;
    clearTimeout(timer);
    try {
      await Promise.all(jobs.map((job) => job()));
      delay = document.visibilityState === "hidden" ? Math.min(max, delay * 2) : interval;
      if (onOk) onOk();
    } catch (error) {
      delay = Math.min(max, delay * 2);
      if (onFail) onFail(error);
    } finally {
      running = false;
      plan(delay);
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
    stop() { stopped = true; clearTimeout(timer); },
    get delay() { return delay; },
  };
}
