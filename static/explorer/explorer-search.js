/* Partnergraph explorer: a search box with completion (a WAI-ARIA combobox) over /api/search. */
(function () {
  "use strict";
  var X = window.PGX;
  var el = X.el;

  /** Complete ``input`` into ``list``; ``onPick(item)`` when one is chosen; ``describe(item)`` its second line. */
  function autocomplete(input, list, onPick, describe) {
    var items = [];
    var active = -1;
    var timer = null;
    var seq = 0;
    if (!list.id) list.id = input.id + "-list";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    list.setAttribute("role", "listbox");
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function render() {
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = el("li", null, i === active ? "active" : "");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.appendChild(el("span", item.label, "ac-label"));
        var extra = describe(item);
        if (item.matched && item.matched !== item.label) extra = "“" + item.matched + "” " + extra;
        li.appendChild(el("span", extra, "muted"));
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      list.hidden = !items.length;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) input.setAttribute("aria-activedescendant", list.id + "-" + active);
    }
    function pick(i) {
      var item = items[i];
      if (!item) return;
      input.value = item.label;
      input.dataset.id = item.id;
      close();
      onPick(item);
    }
    input.addEventListener("input", function () {
      delete input.dataset.id;
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { items = []; close(); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        X.api("/api/search?limit=10&q=" + encodeURIComponent(q)).then(function (data) {
          if (mine !== seq) return;
          items = data.results;
          active = items.length ? 0 : -1;
          render();
        });
      }, 120);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { active = Math.min(items.length - 1, active + 1); render(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { active = Math.max(0, active - 1); render(); ev.preventDefault(); }
      else if (ev.key === "Enter") { if (!list.hidden && active >= 0) { pick(active); ev.preventDefault(); } }
      else if (ev.key === "Escape") close();
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  X.autocomplete = autocomplete;
})();
