// Keyboard and screen-reader care for fragments that arrive over the socket.
// htmx does the swapping; this only moves focus to the control that comes next
// and tells the student when the live connection drops and comes back.
(function () {
  "use strict";

  document.addEventListener("htmx:wsAfterMessage", function (event) {
    // Only a new question or its feedback moves focus, never a status line.
    if (String(event.detail.message).indexOf('id="question"') === -1) return;
    var target = document.querySelector("[data-autofocus]");
    var active = document.activeElement;
    var focusLost = !active || active === document.body || !document.contains(active);
    if (target && focusLost) {
      target.focus();
    } else if (focusLost) {
      var first = document.querySelector("#question button, #question a");
      if (first) first.focus();
    }
  });

  function setStatus(text) {
    var status = document.getElementById("socket-status");
    if (status) status.textContent = text;
  }

  document.addEventListener("htmx:wsClose", function () {
    setStatus("Connection lost: reconnecting… Your answers are saved.");
  });
  document.addEventListener("htmx:wsError", function () {
    setStatus("Connection problem: reconnecting…");
  });
})();
