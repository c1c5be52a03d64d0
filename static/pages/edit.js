// Names completed as you type in the edit forms, from the explorer's search (/api/search): the same resolver
// the server uses when the form is sent. A name several entities share is offered with its short IRI.
(function () {
  "use strict";
  function fill(list, results) {
    const counts = {};
    for (const r of results) counts[r.label] = (counts[r.label] || 0) + 1;
    list.replaceChildren();
    for (const r of results) {
      const option = document.createElement("option");
      const short = r.id.replace("https://partnergraph.org/id/", "id:");
      option.value = counts[r.label] > 1 ? r.label + " [" + short + "]" : r.label;
      option.label = [r.type, r.matched && r.matched !== r.label ? "“" + r.matched + "”" : ""].filter(Boolean).join(" · ");
      list.append(option);
    }
  }
  for (const input of document.querySelectorAll("input[data-complete]")) {
    const list = document.getElementById(input.dataset.complete);
    if (!list) continue;
    let timer = null;
    let asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2 || text === asked || /\[id:/.test(text)) return;
      timer = setTimeout(async function () {
        asked = text;
        try {
          const response = await fetch("/api/search?limit=12&q=" + encodeURIComponent(text));
          if (!response.ok) return;
          const body = await response.json();
          if (input.value.trim() === text) fill(list, body.results || []);
        } catch (error) { /* completion is a help: typing the name still works */ }
      }, 150);
    });
  }
})();
