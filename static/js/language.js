// The header's language switch (templates/base.html) is a plain form with a button;
// with JavaScript, picking a language sends it at once. The button stays for keyboards
// that move through the options with the arrow keys (Firefox would change on each).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.requestSubmit();
    }
  });
})();
