/* The SPARQL page of `rekg serve`: YASGUI (vendored, static/yasgui/) on this server's own
   /sparql, with the stored questions to open as tabs. An external file, not an inline
   script, so that the page runs under a Content-Security-Policy without 'unsafe-inline'.
   Nothing is fetched from elsewhere: YASGUI's completions from prefix.cc and LOV are
   replaced by rekg's prefixes and by the classes and properties of this graph. */
(function () {
  "use strict";
  var root = document.getElementById("yasgui");
  var plain = document.getElementById("plain-form");
  var status = document.getElementById("editor-status");
  if (!root) { return; }
  if (typeof window.Yasgui !== "function") {
    // the plain form stays; say why the editor is missing
    status.textContent = "The YASGUI editor is not installed on this server " +
      "(run scripts/vendor-yasgui.sh, then restart rekg serve); the plain form below still works.";
    status.className = "error";
    return;
  }
  var Yasgui = window.Yasgui, Yasqe = Yasgui.Yasqe;
  var BASE = "https://w3id.org/rekg/";
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var pairs = JSON.parse(document.getElementById("prefixes").textContent);
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
  var byName = {};
  examples.forEach(function (ex) { byName[ex.name] = ex; });

  var ours = pairs.map(function (pair) { return pair[0] + ": <" + pair[1] + ">"; });
  Yasqe.forkAutocompleter("prefixes", {
    name: "rekg-prefixes",
    persistenceId: "rekg-prefixes",
    get: function (yasqe) {
      // YASGUI's bundled list (no prefix.cc: prefixCcApi stays null), rekg's own first
      return Yasqe.Autocompleters.prefixes.get(yasqe).then(function (bundled) {
        var taken = {};
        pairs.forEach(function (pair) { taken[pair[0]] = true; });
        return ours.concat(bundled.filter(function (line) {
          return !taken[line.slice(0, line.indexOf(":"))];
        }));
      });
    }
  }, false);

  // the terms of this graph, asked once of this endpoint (instead of LOV, elsewhere)
  function termsOf(query) {
    var terms = null;
    return function (yasqe, token) {
      if (terms === null) {
        terms = fetch(endpoint, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json"
          },
          body: new URLSearchParams({ query: query })
        }).then(function (response) {
          if (!response.ok) { throw new Error("the endpoint answered " + response.status); }
          return response.json();
        }).then(function (doc) {
          return doc.results.bindings.map(function (row) { return row.term.value; });
        }).catch(function () { terms = null; return []; });
      }
      var start = token && token.autocompletionString ? token.autocompletionString : "";
      return terms.then(function (all) {
        return all.filter(function (iri) { return iri.indexOf(start) === 0; });
      });
    };
  }
  Yasqe.forkAutocompleter("class", {
    name: "rekg-class",
    get: termsOf("SELECT DISTINCT ?term WHERE { ?s a ?term FILTER(isIRI(?term)) } ORDER BY ?term")
  }, false);
  Yasqe.forkAutocompleter("property", {
    name: "rekg-property",
    get: termsOf("SELECT DISTINCT ?term WHERE { ?s ?term ?o } ORDER BY ?term")
  }, false);
  // set, not merged: YASGUI merges arrays by index, which would keep the LOV completers
  Yasqe.defaults.autocompleters = ["rekg-prefixes", "variables", "rekg-class", "rekg-property"];

  // a link from a question's page: /sparql#example=NAME opens that question, and runs it
  var wanted = null;
  var hash = window.location.hash.match(/^#example=([A-Za-z0-9_.-]+)$/);
  if (hash) {
    wanted = byName[hash[1]] || null;
    // before YASGUI starts, which would read the fragment as a shared query of its own
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; }
    },
    yasqe: { value: root.getAttribute("data-query") }
  });
  plain.hidden = true;
  root.hidden = false;

  function open(ex) {
    yasgui.addTab(true, {
      name: ex.name,
      yasqe: { value: ex.text },
      requestConfig: { endpoint: endpoint }
    }, { avoidDuplicateTabs: true });
    return yasgui.getTab();
  }

  var select = document.getElementById("example");
  select.addEventListener("change", function () {
    var ex = byName[select.value];
    if (ex) { open(ex); }
    select.value = "";
  });
  if (wanted) {
    open(wanted).query().catch(function () { /* YASR shows the error */ });
  }
  // the graph's IRIs lead to this server's pages of them, not to w3id.org (which redirects
  // to the published site, perhaps of another version)
  root.addEventListener("click", function (event) {
    var a = event.target.closest ? event.target.closest("a[href]") : null;
    var href = a ? a.getAttribute("href") : "";
    if (href.indexOf(BASE) === 0) { a.setAttribute("href", "/" + href.slice(BASE.length)); }
  });
  window.rekgYasgui = yasgui; // for the browser test and the curious, in the console
}());
