/*
 * Following the signed-in user's event stream (GET /api/v1/events, Server-Sent Events), shared
 * by the student pages (static/pages/live.js) and the dashboard (static/dashboard/stream.js).
 *
 * The browser's EventSource reconnects by itself after a drop (sending Last-Event-ID, so the
 * server replays what was missed); when it gives up for good (an answer that is not a stream,
 * e.g. a refusal) this opens a new one after a pause that grows up to a few minutes.
 * `document.documentElement.dataset.liveStream` says "open" or "closed", for the page's other
 * scripts (and its tests).
 *
 * follow({onEvent(data), onOpen(reconnected), onDrop()}) → {close()} or null without EventSource.
 */
const URL_EVENTS = "/api/v1/events";
const RETRY_MIN_MS = 5000;
const RETRY_MAX_MS = 300000;

export function follow({ onEvent, onOpen, onDrop, url = URL_EVENTS }) {
  if (!("EventSource" in window)) return null;
  let source = null;
  let wasOpen = false;
  let dropped = false;
  let retry = RETRY_MIN_MS;
  let timer = null;
  let closed = false;

  const mark = (state) => { document.documentElement.dataset.liveStream = state; };

  function connect() {
    if (closed) return;
    source = new EventSource(url, { withCredentials: true });
    source.onopen = () => {
      const reconnected = wasOpen && dropped;
      wasOpen = true;
      dropped = false;
      retry = RETRY_MIN_MS;
      mark("open");
      if (onOpen) onOpen(reconnected);
    };
    source.onmessage = (message) => {
      let data;
      try { data = JSON.parse(message.data); } catch { return; }
      if (data && typeof data.type === "string") onEvent(data);
    };
    source.onerror = () => {
      if (!dropped) {
        dropped = true;
        mark("closed");
        if (onDrop) onDrop();
      }
      if (source.readyState === EventSource.CLOSED) {
        // Not a stream (a refusal, a proxy's error page): the browser will not retry by itself.
        clearTimeout(timer);
        timer = setTimeout(connect, retry);
        retry = Math.min(RETRY_MAX_MS, retry * 2);
      }
    };
  }

  mark("closed");
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (source) source.close();
      mark("closed");
    },
  };
}
