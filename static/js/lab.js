// The "Measure it" lab (templates/lab/partials/panel.html): this browser sends the
// requests, the Resource Timing API times them as the DevTools Network panel does, and
// the server draws what was measured (the same partial as its own, no-JavaScript run).
// Without this script, or where it cannot measure, the form asks the server instead.
(function () {
  "use strict";

  var panel = document.querySelector("[data-lab-panel]");
  if (!panel || !window.fetch || !window.URLSearchParams || !window.performance ||
      !performance.getEntriesByName || !performance.clearResourceTimings) {
    return;
  }
  var form = panel.querySelector("form");
  var input = form.querySelector("input[name=requests]");
  var button = form.querySelector("button[type=submit]");
  var status = panel.querySelector("#lab-status");
  var result = panel.querySelector("#lab-result");
  var OUTCOMES = { 200: "ok", 503: "busy", 429: "limited" };
  var running = false;
  // After a refusal the server said when to come back (Retry-After): Run waits till then,
  // so a crowd turned away does not come straight back.
  var holdUntil = 0;

  // Progress shows; the read-back, already on the page under the charts, is only said.
  function say(text, heardOnly) {
    status.classList.toggle("visually-hidden", Boolean(heardOnly));
    status.textContent = text;
  }

  function tenth(ms) {
    return Math.max(0, Math.round(ms * 10) / 10);
  }

  function absolute(path, run, index) {
    var url = new URL(path, window.location.href);
    url.searchParams.set("run", run);
    url.searchParams.set("i", String(index));
    return url.href;
  }

  async function send(url) {
    var asked = performance.now();
    try {
      var response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
      var body = await response.json().catch(function () { return null; });
      var outcome = OUTCOMES[response.status] || "failed";
      if (outcome !== "ok") {
        var retry = Number(response.headers.get("Retry-After")) || 0;
        holdUntil = Math.max(holdUntil, performance.now() + retry * 1000);
      }
      return { asked: asked, done: performance.now(), body: body, outcome: outcome };
    } catch (error) {
      return { asked: asked, done: performance.now(), body: null, outcome: "failed" };
    }
  }

  function pause(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // A response's entry is added when its body has arrived, which may be just after
  // fetch() hands the body over: look again for a moment before doing without.
  async function entriesFor(urls) {
    var entries = [];
    for (var attempt = 0; attempt < 10; attempt++) {
      entries = urls.map(function (url) {
        var found = performance.getEntriesByName(url, "resource");
        return found.length ? found[found.length - 1] : null;
      });
      if (entries.every(Boolean)) break;
      await pause(50);
    }
    return entries;
  }

  function serverTiming(entry, body, name, key) {
    var timings = (entry && entry.serverTiming) || [];
    for (var i = 0; i < timings.length; i++) {
      if (timings[i].name === name) return timings[i].duration;
    }
    return body && typeof body[key] === "number" ? body[key] : null;
  }

  // start,sent,end,queued,waited,outcome: lab/forms.py TimingsField reads it.
  function timing(sent, entry, zero) {
    var start = entry ? entry.startTime : sent.asked;
    var requestStart = entry && entry.requestStart ? entry.requestStart : start;
    var end = entry && entry.responseEnd ? entry.responseEnd : sent.done;
    var ok = sent.outcome === "ok";
    var queued = ok ? serverTiming(entry, sent.body, "queue", "queued_ms") : null;
    var waited = ok ? serverTiming(entry, sent.body, "wait", "waited_ms") : null;
    return [
      tenth(start - zero), tenth(requestStart - zero), tenth(end - zero),
      queued === null ? "" : tenth(queued), waited === null ? "" : tenth(waited),
      sent.outcome
    ].join(",");
  }

  async function burst(path, requests, run) {
    var urls = [];
    for (var i = 0; i < requests; i++) urls.push(absolute(path, run, i));
    var sent = await Promise.all(urls.map(send));
    var entries = await entriesFor(urls);
    var starts = sent.map(function (s, i) { return entries[i] ? entries[i].startTime : s.asked; });
    var zero = Math.min.apply(null, starts);
    var protocol = "";
    entries.forEach(function (entry) { protocol = protocol || (entry && entry.nextHopProtocol) || ""; });
    return {
      protocol: protocol,
      timings: sent.map(function (s, i) { return timing(s, entries[i], zero); }).join(";")
    };
  }

  // The panel's data-msg-* attributes hold these sentences in the page's language;
  // {name} stands for a number filled in here.
  function message(name, english, values) {
    var text = panel.getAttribute("data-msg-" + name) || english;
    Object.keys(values || {}).forEach(function (key) {
      text = text.split("{" + key + "}").join(String(values[key]));
    });
    return text;
  }

  async function draw(params) {
    var response = await fetch(panel.getAttribute("data-result-url") + "?" + params.toString(), {
      headers: { "HX-Request": "true" }, credentials: "same-origin"
    });
    result.innerHTML = await response.text();
    var readback = result.querySelector(".lab-readback, .message");
    if (readback) say(readback.textContent, true);
    else say(message("no-result", "The server could not draw the result."));
  }

  form.addEventListener("submit", async function (event) {
    var requests = Number(input.value);
    if (!Number.isInteger(requests) || requests < 1 || requests > Number(input.max)) return;
    event.preventDefault();
    if (running) return;
    var wait = Math.ceil((holdUntil - performance.now()) / 1000);
    if (wait > 0) {
      say(message("held", "The lab turned requests away: run it again in {wait} s.", { wait: wait }));
      return;
    }
    running = true;
    button.setAttribute("aria-disabled", "true");
    // A fresh buffer: it holds 250 entries, and a learner may run it many times.
    performance.clearResourceTimings();
    var run = Date.now().toString(36) + Math.random().toString(36).slice(2, 6);
    try {
      say(message("sending-sync", "Sending {requests} at once to the sync endpoint…", { requests: requests }));
      var sync = await burst(panel.getAttribute("data-sync-url"), requests, run);
      say(message("sending-async", "Sending {requests} at once to the async endpoint…", { requests: requests }));
      var overlapping = await burst(panel.getAttribute("data-async-url"), requests, run);
      var params = new URLSearchParams(new FormData(form));
      params.set("protocol", (sync.protocol || overlapping.protocol).toLowerCase().slice(0, 16));
      params.set("sync", sync.timings);
      params.set("async", overlapping.timings);
      await draw(params);
    } catch (error) {
      say(message("failed", "The run could not finish ({error}). Run it again; without " +
          "JavaScript the server measures it instead.", { error: error.message }));
    } finally {
      running = false;
      button.removeAttribute("aria-disabled");
    }
  });
})();
