"""Quality rules: what a demanding RevOps reviewer would flag in a pull request even though the SQL works.

Certified metrics are the numbers a CRO sees; they need an owner and a description, and should not rest on
draft definitions. Formats and time axes that do not fit the metric make a correct number read wrong.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from semantic.definitions import models as m
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import COUNT_AGGS, context, report_unknown
from semantic.errors import IssueList


def check_certified(defs: Definitions, issues: IssueList) -> None:
    """Certified metrics have an owner and a description, and depend only on certified things."""
    ctx = context(defs)
    for name, metric in defs.metrics.items():
        if not metric.certified:
            continue
        missing = [key for key in ("owner", "description") if not getattr(metric, key)]
        if missing:
            issues.add("E_CERTIFIED_INCOMPLETE", f"certified metric '{name}' has no {' and no '.join(missing)}",
                       defs.where("metrics", name, "certified"),
                       f"add {' and '.join(f'`{k}:`' for k in missing)}, or remove `certified: true`")
        terms = () if name in ctx.too_deep else ctx.lineages.of(name).terms
        drafts = {t for t in terms if t in defs.terms and defs.terms[t].status != "certified"}
        uncertified = [dep for dep in ctx.derived_refs.get(name, ())
                       if dep in defs.metrics and not defs.metrics[dep].certified]
        if drafts or uncertified:
            parts = ([f"draft term(s) {', '.join(sorted(drafts))}"] if drafts else []) + \
                ([f"uncertified metric(s) {', '.join(uncertified)}"] if uncertified else [])
            issues.add("W_CERTIFIED_DEPENDENCY", f"certified metric '{name}' depends on {' and '.join(parts)}",
                       defs.where("metrics", name, "certified"),
                       "certify what it depends on first, or remove `certified: true`", severity="warning")


def check_formats(defs: Definitions, issues: IssueList) -> None:
    """Flag formats that misrepresent the number: a ratio shown as money, a count shown as a percent."""
    for name, metric in defs.metrics.items():
        problem = ""
        if isinstance(metric, m.RatioMetric) and metric.format in ("currency", "integer"):
            problem = f"is a ratio but formatted as {metric.format}"
            fix = "use `format: percent` for a share or `format: number` for a rate such as 'per deal'"
        elif isinstance(metric, (m.SimpleMetric, m.CumulativeMetric)) and metric.measure in defs.measures:
            agg = defs.measures[metric.measure][1].agg
            if agg in COUNT_AGGS and metric.format in ("percent", "currency", "days"):
                problem = f"counts rows ({agg}) but is formatted as {metric.format}"
                fix = "use `format: integer` for counts; a share needs a ratio metric"
        if problem:
            issues.add("W_FORMAT", f"metric '{name}' {problem}", defs.where_value("metrics", name, "format"), fix,
                       severity="warning")


def check_measure_time(defs: Definitions, issues: IssueList) -> None:
    """A measure's time dimension is its entity's own time dimension; without any, periods are impossible."""
    for ename, ent in defs.entities.items():
        time_dims = [d for d, x in ent.dimensions.items() if x.type == "time"]
        for mname, meas in ent.measures.items():
            td = meas.time_dimension
            pos = defs.where_value("entities", ename, "measures", mname, "time_dimension")
            if td is None:
                if ent.default_time_dimension is None:
                    issues.add("W_NO_TIME_DIMENSION",
                               f"measure '{mname}' has no time dimension and entity '{ename}' has no default",
                               defs.where("entities", ename, "measures", mname),
                               "set `time_dimension:` on the measure or `default_time_dimension:` on the entity, "
                               "otherwise it cannot be asked per period or for a date range", severity="warning")
            elif td not in ent.dimensions:
                report_unknown(issues, "E_UNKNOWN_DIMENSION", "dimension", f"measure '{mname}' time_dimension", td,
                               time_dims, pos, f"declare '{td}' under entity '{ename}' dimensions with `type: time`")
            elif ent.dimensions[td].type != "time":
                issues.add("E_TIME_DIMENSION", f"measure '{mname}' time_dimension '{td}' is not `type: time`", pos,
                           f"set `type: time` on dimension '{ename}.{td}' or pick one of: {', '.join(time_dims)}")


def check_calendar(defs: Definitions, issues: IssueList) -> None:
    """The calendar's timezone is a real IANA zone (relative ranges such as this_quarter depend on it)."""
    try:
        ZoneInfo(defs.calendar.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        pos = None
        for file in defs.files:
            pos = pos or defs.source.exact_value(file, ("calendar", "timezone"))
        issues.add("E_INVALID_VALUE", f"calendar timezone '{defs.calendar.timezone}' is not a known time zone", pos,
                   "use an IANA name such as UTC, Europe/Paris or America/New_York")


RULES = (check_certified, check_formats, check_measure_time, check_calendar)
