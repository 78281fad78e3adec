// Up and down buttons for a question's options in the admin (ChoiceInline). They move a
// row and renumber the order fields of the rows that have text; without this script the
// order is typed, or left blank and numbered by the server (quiz.admin.ChoiceFormSet).
(function () {
  "use strict";

  function rows(body) {
    return Array.from(body.querySelectorAll("tr.form-row")).filter(function (row) {
      return !row.classList.contains("empty-form");
    });
  }

  function renumber(body) {
    var next = 1;
    rows(body).forEach(function (row) {
      var order = row.querySelector("td.field-order input");
      var text = row.querySelector("td.field-text textarea, td.field-text input");
      var deleted = row.querySelector("td.delete input[type=checkbox]");
      if (!order || !text || text.value.trim() === "" || (deleted && deleted.checked)) {
        return;
      }
      order.value = String(next);
      next += 1;
    });
  }

  function button(label, symbol, move) {
    var control = document.createElement("button");
    control.type = "button";
    control.textContent = symbol;
    control.setAttribute("aria-label", label);
    control.title = label;
    control.addEventListener("click", function () {
      move(control);
      control.focus();
    });
    return control;
  }

  function addButtons(body, row) {
    var cell = row.querySelector("td.field-order");
    if (!cell || cell.querySelector(".choice-move")) {
      return;
    }
    var box = document.createElement("div");
    box.className = "choice-move";
    box.appendChild(button("Move option up", "\u2191", function () {
      var list = rows(body);
      var index = list.indexOf(row);
      if (index > 0) {
        body.insertBefore(row, list[index - 1]);
        renumber(body);
      }
    }));
    box.appendChild(button("Move option down", "\u2193", function () {
      var list = rows(body);
      var index = list.indexOf(row);
      if (index >= 0 && index < list.length - 1) {
        body.insertBefore(list[index + 1], row);
        renumber(body);
      }
    }));
    cell.appendChild(box);
  }

  function start() {
    var group = document.getElementById("choices-group");
    var body = group && group.querySelector("tbody");
    if (!body) {
      return;
    }
    rows(body).forEach(function (row) { addButtons(body, row); });
    // Rows added with "Add another Choice" get buttons too.
    document.addEventListener("formset:added", function (event) {
      if (event.target && event.target.closest && event.target.closest("#choices-group")) {
        addButtons(body, event.target);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
