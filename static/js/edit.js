/* The edit page: the "Correct" form goes to the form chosen in its select (no inline handlers: CSP). */
(function () {
  "use strict";
  var form = document.getElementById("correct-form");
  if (!form) return;
  var select = form.querySelector("select");
  function follow() { form.action = select.value; }
  select.addEventListener("change", follow);
  follow();
})();
