"""The catalog page's HTML, rendered on the server from one definitions version (no script, no CDN).

Every value that comes from the YAML or the database passes through `escape` (quotes included), since
definitions are edited by many hands and a description may hold anything. Lineage is read from
semantic/definitions/lineage.py, the one place that says what a metric is built from; the reverse edges
(which metrics use a term, which saved queries show a metric) are derived from it here.
"""
from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import Iterable

from semantic.formatting import format_value
from semantic.access import Caller
from semantic.definitions.lineage import lineages
from semantic.definitions.project import Definitions
from semantic.layer import SemanticLayer
from server.catalog_charts import Series, sparkline
from semantic.definitions.formula_text import formula_text

FRESHNESS_NOT_MEASURED = "not declared for the tables read (docs/definitions.md, Data freshness)"


def _link(kind: str, name: str) -> str:
    return f'<a href="#{kind}-{escape(name)}">{escape(name)}</a>'


def _links(kind: str, names: Iterable[str]) -> str:
    shown = [_link(kind, n) for n in names]
    return ", ".join(shown) if shown else '<span class="none">none</span>'


def _named(label: str | None, name: str) -> str:
    """A label in bold with the name as code; the name alone when there is no label."""
    shown = f"<code>{escape(name)}</code>"
    return f"<strong>{escape(label)}</strong> {shown}" if label and label != name else shown


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


class Catalog:
    """One page over one version: its reverse lineage computed once."""

    def __init__(self, layer: SemanticLayer, charts: dict[str, Series], freshness: str | None,
                 caller: Caller | None = None) -> None:
        """`caller`: only the metrics and saved queries it sees are shown (and named in the lineage)."""
        self.defs: Definitions = layer.definitions
        self.shown_metrics = frozenset(layer.metric_names(caller))
        self.shown_saved = frozenset(layer.saved_query_names(caller))
        self.version = str(layer.version)
        self.charts = charts
        self.freshness = freshness
        self.lineage = lineages(self.defs)
        self.metrics_of_term: dict[str, list[str]] = defaultdict(list)
        self.saved_of_metric: dict[str, list[str]] = defaultdict(list)
        for name in self.defs.metrics:
            if name not in self.shown_metrics:
                continue
            for term in self.lineage.of(name).terms:
                self.metrics_of_term[term].append(name)
        for saved_name, saved in self.defs.saved_queries.items():
            if saved_name not in self.shown_saved:
                continue
            for metric in dict.fromkeys(saved.metrics):
                self.saved_of_metric[metric].append(saved_name)

    def html(self, static: str, graphiql: str | None) -> str:
        """The page; `graphiql` is the GraphiQL page's path, or None when the server does not serve it."""
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Catalog - revenue semantic '
                f'layer</title><link rel="icon" href="data:,"><link rel="stylesheet" href="{escape(static)}'
                f'/catalog.css"></head><body>{self._header(graphiql)}<main>{self._metrics()}{self._glossary()}'
                f'{self._stages()}{self._saved_queries()}</main></body></html>')

    def _header(self, graphiql: str | None) -> str:
        freshness = escape(self.freshness) if self.freshness else FRESHNESS_NOT_MEASURED
        ide = f' &middot; <a href="{escape(graphiql)}">GraphiQL</a>' if graphiql else ""
        return (f'<header><h1>Revenue definitions catalog</h1><p class="stamp">Definitions version '
                f'<code id="definitions-version">{escape(self.version)}</code> &middot; data freshness: '
                f'<span id="data-freshness">{freshness}</span>{ide}</p><nav><a href="#metrics">Metrics '
                f'({len(self.defs.metrics)})</a> <a href="#glossary">Glossary '
                f'({len(self.defs.terms)})</a> <a href="#stages">Stages ({len(self.defs.stages)})</a> '
                f'<a href="#saved-queries">Saved queries ({len(self.defs.saved_queries)})</a></nav></header>')

    def _metrics(self) -> str:
        rows = "".join(self._metric(name, metric) for name, metric in sorted(self.defs.metrics.items())
                       if name in self.shown_metrics)
        return ('<section id="metrics"><h2>Metrics</h2><p class="how">Lineage reads left to right: glossary terms '
                'filter measures, measures make metrics, saved queries show metrics. Charts: each month from '
                'six months ago to this month so far; hover a point for its value.</p><table><thead><tr>'
                '<th>Metric</th><th>Formula</th><th>Lineage</th><th>Owner</th><th>Recent months</th></tr></thead>'
                f'<tbody>{rows}</tbody></table></section>')

    def _metric(self, name: str, metric: object) -> str:
        lineage = self.lineage.of(name)
        certified = ('<span class="badge certified">certified</span>' if getattr(metric, "certified", False)
                     else '<span class="badge draft">not certified</span>')
        measures = [f"{escape(x)} <small>({escape(self.defs.measures[x][0])})</small>" if x in self.defs.measures
                    else escape(x) for x in lineage.measures]
        lines = (f'<dl><dt>terms</dt><dd>{_links("term", lineage.terms)}</dd>'
                 f'<dt>measures</dt><dd>{", ".join(measures) or "<span class=none>none</span>"}</dd>'
                 f'<dt>metrics</dt><dd>{_links("metric", lineage.metrics)}</dd>'
                 f'<dt>saved queries</dt><dd>{_links("saved", self.saved_of_metric.get(name, ()))}</dd></dl>')
        series = self.charts.get(name, Series(unavailable="not charted"))
        latest = next((v for v in reversed(series.values) if v is not None), None)
        latest_text = "" if latest is None else \
            f'<div class="latest">latest: {escape(format_value(latest, series.format))}</div>'
        description = escape(getattr(metric, "description", None) or "")
        return (f'<tr id="metric-{escape(name)}"><td>{_named(getattr(metric, "label", None), name)} '
                f'{certified}<div class="type">{escape(str(getattr(metric, "type", "")))}</div>'
                f'<p>{description}</p></td><td><code>{escape(formula_text(metric))}</code></td><td>{lines}</td>'
                f'<td>{escape(getattr(metric, "owner", None) or "-")}</td>'
                f'<td class="chart">{sparkline(series)}{latest_text}</td></tr>')

    def _glossary(self) -> str:
        rows = "".join(self._term(name, term) for name, term in sorted(self.defs.terms.items()))
        return ('<section id="glossary"><h2>Glossary</h2><table><thead><tr><th>Term</th><th>Definition</th>'
                '<th>Filter</th><th>Owner</th><th>Used by metrics</th></tr></thead>'
                f'<tbody>{rows}</tbody></table></section>')

    def _term(self, name: str, term: object) -> str:
        synonyms = ", ".join(escape(s) for s in getattr(term, "synonyms", ()))
        status = escape(getattr(term, "status", ""))
        filter_text = getattr(term, "filter", None)
        where = (f'<code>{escape(filter_text)}</code> <small>on {escape(getattr(term, "entity", None) or "-")}'
                 f'</small>' if filter_text else '<span class="none">none</span>')
        return (f'<tr id="term-{escape(name)}"><td>{_named(getattr(term, "label", None), name)} '
                f'<span class="badge {status}">{status}</span>'
                + (f'<div class="synonyms">also: {synonyms}</div>' if synonyms else "")
                + f'</td><td>{escape(getattr(term, "definition", ""))}</td><td>{where}</td>'
                f'<td>{escape(getattr(term, "owner", None) or "-")}</td>'
                f'<td>{_links("metric", self.metrics_of_term.get(name, ()))}</td></tr>')

    def _stages(self) -> str:
        rows = "".join(
            _row(str(order), _named(stage.label, stage.name),
                 f"{stage.probability:.0%}", escape(stage.forecast_category),
                 "won" if stage.is_won else "lost" if stage.is_closed else "open", escape(stage.definition))
            for order, stage in enumerate(self.defs.stages, start=1))
        return ('<section id="stages"><h2>Stages</h2><table><thead><tr><th>Order</th><th>Stage</th>'
                '<th>Probability</th><th>Forecast category</th><th>Closed</th><th>Meaning</th></tr></thead>'
                f'<tbody>{rows}</tbody></table></section>')

    def _saved_queries(self) -> str:
        rows = "".join(
            f'<tr id="saved-{escape(name)}"><td>{_named(saved.label, name)}</td>'
            f'<td>{escape(saved.description or "")}</td>'
            f'<td>{_links("metric", dict.fromkeys(saved.metrics)) if saved.metrics else escape(saved.funnel or "")}'
            f'</td></tr>' for name, saved in sorted(self.defs.saved_queries.items()) if name in self.shown_saved)
        return ('<section id="saved-queries"><h2>Saved queries</h2><table><thead><tr><th>Saved query</th>'
                f'<th>What</th><th>Metrics (or funnel)</th></tr></thead><tbody>{rows}</tbody></table></section>')
