// Starts GraphiQL from files served by this server (no CDN). Kept out of the HTML so the page's
// Content-Security-Policy can allow scripts from this origin only.
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var endpoint = root.getAttribute("data-endpoint");
  var EXAMPLE = [
    "# The revenue semantic layer. Metric and dimension names complete as you type (Ctrl-Space).",
    "# With authentication on, add {\"Authorization\": \"Bearer <token>\"} under Headers below.",
    "# The catalog of every term, stage and metric: " + root.getAttribute("data-catalog"),
    "{",
    "  version { stamp }",
    "  metrics { name label formula }",
    "}",
    ""
  ].join("\n");
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var element = React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: EXAMPLE,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    defaultEditorToolsVisibility: true
  });
  ReactDOM.createRoot(root).render(element);
})();
