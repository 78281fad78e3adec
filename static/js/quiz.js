// Keyboard and screen-reader care for fragments that arrive over the socket.
// htmx does the swapping; this only moves focus to the control that comes next
// and tells the student when the live connection drops and comes back.
(function () {
  "use strict";

  // Regions whose swap can take the focused control away: a new question or its
  // feedback, the hint that replaces its button, a live player's next screen. A
  // status line never moves focus.
  var REGIONS = ["question", "hint", "player-stage"];
  var focusedChoice = null;

  // A live player's screen is also redrawn for others' doings (a late joiner, a kick):
  // the answer button under their finger must stay the one under it.
  document.addEventListener("htmx:wsBeforeMessage", function () {
    var active = document.activeElement;
    focusedChoice = active && active.name && active.closest("#player-stage") ?
      { name: active.name, value: active.value } : null;
  });

  document.addEventListener("htmx:wsAfterMessage", function (event) {
    var message = String(event.detail.message);
    var region = null;
    for (var i = 0; i < REGIONS.length && !region; i++) {
      if (message.indexOf('id="' + REGIONS[i] + '"') !== -1) {
        region = document.getElementById(REGIONS[i]);
      }
    }
    if (!region) return;
    var active = document.activeElement;
    var focusLost = !active || active === document.body || !document.contains(active);
    if (!focusLost) return;
    // The control that comes next, else the region itself, so that reading goes on
    // from what just arrived instead of from the top of the page.
    var target;
    if (region.id === "player-stage") {
      // The same answer button if it is still there, else the screen itself: never
      // another option, which Enter would then pick.
      target = focusedChoice && Array.prototype.find.call(
        region.querySelectorAll("button[name]"), function (button) {
          return button.name === focusedChoice.name && button.value === focusedChoice.value;
        });
      target = target || region;
    } else if (region.id === "hint") {
      target = region;
    } else {
      target = document.querySelector("[data-autofocus]") ||
        region.querySelector("button, a") || region;
    }
    target.focus();
    // Only a first option the page chose; a live player's own button kept across a
    // redraw is still theirs.
    autoFocused = region.id === "question" && target.matches("button.choice") ? target : null;
    autoFocusedAt = Date.now();
  });

  // A new question arrives with the focus on its first option: an Enter meant for
  // "Next question", pressed twice or held, would answer A. Enter on an option that
  // the page focused by itself counts only once it has been on screen a moment; one
  // the student moved to is theirs at once.
  var ENTER_GRACE_MS = 700;
  var autoFocused = null;
  var autoFocusedAt = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target !== autoFocused) return;
    if (event.repeat || Date.now() - autoFocusedAt < ENTER_GRACE_MS) event.preventDefault();
  }, true);

  // Letter keys answer: A to F press the option with that letter, as on the screen.
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    var letter = (event.key || "").toUpperCase();
    if (!/^[A-F]$/.test(letter)) return;
    var buttons = document.querySelectorAll("#question button.choice, #player-stage button.choice");
    var chosen = Array.prototype.find.call(buttons, function (button) {
      var shown = button.querySelector(".letter");
      return shown && shown.textContent.trim() === letter && !button.disabled;
    });
    if (!chosen) return;
    event.preventDefault();
    chosen.focus();
    chosen.click();
  });

  // The visible line shows the connection's state; screen readers hear only its
  // changes (lost, back, stopped), never "connected" on every page load.
  // The messages are translated in base.html's data-msg-* attributes.
  function message(name, english) {
    return document.body.getAttribute("data-msg-" + name) || english;
  }
  function setStatus(text, announce) {
    var status = document.getElementById("socket-status");
    if (status) status.textContent = text;
    var announcer = document.getElementById("socket-announcer");
    if (announcer && announce !== false) announcer.textContent = text;
  }
  var lost = false;

  // htmx's ws extension retries only after these close codes.
  var RETRIED = [1006, 1011, 1012, 1013];
  var closedForGood = false;

  document.addEventListener("htmx:wsClose", function (event) {
    var code = event.detail && event.detail.event ? event.detail.event.code : 1006;
    if (document.querySelector("[data-removed]")) {
      setStatus("", false);  // the screen already says it: removed, nothing more to send
      return;
    }
    if (RETRIED.indexOf(code) !== -1) {
      lost = true;
      setStatus(message("lost", "Connection lost: reconnecting… Your answers are saved."));
      return;
    }
    // Closed for good (an idle timeout, a refusal): htmx would queue answers
    // forever, so the forms go back to being plain page loads.
    closedForGood = true;
    setStatus(message("stopped", "Live updates stopped for this page; your answers are still sent and saved."));
  });

  document.addEventListener("htmx:wsOpen", function () {
    closedForGood = false;
    if (lost) {
      lost = false;
      var announcer = document.getElementById("socket-announcer");
      if (announcer) announcer.textContent = message("back", "Reconnected: live feedback is back.");
    }
  });

  // Capturing at the document runs before htmx's listener on the form: stopping the
  // event there leaves the browser's own submission (with the clicked button) intact.
  document.addEventListener("submit", function (event) {
    if (closedForGood && event.target.hasAttribute("ws-send")) {
      event.stopPropagation();
    }
  }, true);

  document.addEventListener("htmx:wsError", function () {
    setStatus(message("problem", "Connection problem: reconnecting…"));
  });
})();

// Live classroom countdowns: the server decides when time is up; this only shows it.
(function () {
  "use strict";

  function tick() {
    var clocks = document.querySelectorAll(".countdown[data-deadline]");
    for (var i = 0; i < clocks.length; i++) {
      var deadline = Date.parse(clocks[i].getAttribute("data-deadline"));
      if (isNaN(deadline)) continue;
      var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      var value = clocks[i].querySelector(".countdown-value");
      if (value && value.textContent !== String(left)) value.textContent = String(left);
      clocks[i].classList.toggle("is-urgent", left <= 5);
    }
  }

  setInterval(tick, 250);
  document.addEventListener("htmx:wsAfterMessage", tick);
})();
