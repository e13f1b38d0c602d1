// The page's side of the browser check: what the web client does, with nothing the page itself
// could not see. It runs in a blank page on the frontend origin; `plan` comes from the driver
// (probe/chromium.rs), and the value it resolves to is read back as JSON.
//
// Everything is bounded by the plan's timeouts, so the promise always settles.
async (plan) => {
  const start = performance.now();
  const since = (t) => Math.round((performance.now() - t) * 1000) / 1000;
  const cut = (text) => (text.length > 512 ? text.slice(0, 512) : text);
  const caught = (e) => `${e && e.name ? e.name : "Error"}: ${e && e.message ? e.message : e}`;

  // Structural equality, so the echo is judged as the command line judges it, whatever the
  // server's key order.
  const same = (a, b) => {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  };

  // GET /health as the web client's API calls go: cross-origin, with the page's cookies.
  async function health(h) {
    const began = performance.now();
    const out = { url: h.url, credentials: h.credentials };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), h.timeout_ms);
    try {
      const response = await fetch(h.url, {
        credentials: h.credentials,
        cache: "no-store",
        signal: abort.signal,
      });
      out.status = response.status;
    } catch (e) {
      out.error = caught(e);
    } finally {
      clearTimeout(timer);
    }
    out.duration_ms = since(began);
    return out;
  }

  // One socket, opened as the web client opens it: `new WebSocket(url)`, its 25 s timeout for
  // the server's first message, then the session watched for `observe_ms`.
  function socket(s) {
    return new Promise((resolve) => {
      const out = { role: s.role, url: s.url, error_event: false, messages: 0, timed_out: false };
      const began = performance.now();
      let opened = null;
      let settled = false;
      let watch = null;
      let timer = null;
      const settle = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(watch);
        resolve(out);
      };
      // Our own close: `onclose` normally follows within the close wait; if it does not, the
      // socket is reported as it stands.
      const finish = (ws) => {
        out.closed_by_page = 1000;
        try {
          ws.close(1000);
        } catch (e) {
          // Already closing.
        }
        setTimeout(settle, s.close_wait_ms);
      };
      let ws;
      try {
        ws = s.protocols.length ? new WebSocket(s.url, s.protocols) : new WebSocket(s.url);
      } catch (e) {
        out.threw = caught(e);
        settle();
        return;
      }
      timer = setTimeout(() => {
        if (s.accept_silence && opened !== null && out.messages === 0) {
          // --accept-silence: a quiet, open socket is what the command line accepts too.
          finish(ws);
          return;
        }
        out.timed_out = true;
        // The web client closes with 1008 on its timeout; a page may only send 1000 or
        // 3000-4999, so the browser throws, and the socket stays open. Record that, then close
        // as a page can.
        try {
          ws.close(1008, "Client connection timeout");
        } catch (e) {
          out.timeout_close_error = caught(e);
        }
        finish(ws);
      }, s.timeout_ms);
      ws.onopen = () => {
        opened = performance.now();
        out.opened_ms = since(began);
        if (s.send !== null) ws.send(s.send);
        if (!s.strict) {
          // A socket URL that is not the platform's echo: open and quiet for the watch is fine.
          clearTimeout(timer);
          watch = setTimeout(() => finish(ws), s.observe_ms);
        }
      };
      ws.onmessage = (event) => {
        out.messages += 1;
        const text = typeof event.data === "string" ? event.data : "[binary message]";
        out.last_message = cut(text);
        if (out.messages !== 1) return;
        out.first_message_ms = opened === null ? 0 : since(opened);
        clearTimeout(timer);
        if (s.role === "echo" && s.send !== null && s.strict) {
          try {
            const reply = JSON.parse(text);
            out.echoed = reply.type === "echo" && same(reply.received, JSON.parse(s.send));
          } catch (e) {
            out.echoed = false;
          }
          finish(ws);
        } else {
          clearTimeout(watch);
          watch = setTimeout(() => finish(ws), s.observe_ms);
        }
      };
      ws.onerror = () => {
        out.error_event = true;
      };
      ws.onclose = (event) => {
        out.close_code = event.code;
        out.close_reason = cut(event.reason);
        out.was_clean = event.wasClean;
        settle();
      };
    });
  }

  const result = { origin: location.origin, sockets: [] };
  // /health first, then the sockets together, as a page that shows a terminal opens them.
  if (plan.health !== null) result.health = await health(plan.health);
  result.sockets = await Promise.all(plan.sockets.map(socket));
  result.duration_ms = since(start);
  return result;
}
