/* The site's question pages: the SPARQL text highlighted by YASGUI's own SPARQL mode, and,
   where a rekg SPARQL endpoint answers beside the site (rekg serve), links that open the
   question in the YASGUI editor there. Everything else on the page is static HTML and works
   without this script, from file:// too. */
(function () {
  "use strict";
  var Yasgui = window.Yasgui;
  if (Yasgui && Yasgui.Yasqe && Yasgui.Yasqe.runMode) {
    Array.prototype.forEach.call(document.querySelectorAll("pre.sparql code"), function (code) {
      var text = code.textContent;
      code.textContent = "";
      Yasgui.Yasqe.runMode(text, "sparql11", code);
    });
  }

  var live = document.querySelectorAll("[data-endpoint]");
  if (!live.length || !/^https?:$/.test(window.location.protocol)) { return; }
  var endpoint = new URL(live[0].getAttribute("data-endpoint"), window.location.href).href;
  // a static file server has no endpoint: ask it the smallest question before linking to it
  fetch(endpoint + "?query=" + encodeURIComponent("ASK {}"), {
    headers: { "Accept": "application/sparql-results+json" }
  }).then(function (response) {
    return response.ok ? response.json() : null;
  }).then(function (doc) {
    if (!doc || typeof doc.boolean !== "boolean") { return; }
    Array.prototype.forEach.call(live, function (slot) {
      var name = slot.getAttribute("data-example");
      var a = document.createElement("a");
      a.href = endpoint + (name ? "#example=" + encodeURIComponent(name) : "");
      a.textContent = slot.getAttribute("data-label");
      a.className = "open-in-editor";
      slot.appendChild(a);
      slot.hidden = false;
    });
  }).catch(function () { /* no endpoint here: the page stays as it is */ });
}());
