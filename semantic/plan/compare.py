"""The question option `compare`: each metric beside its earlier value and the change, and the note that
tells a reader how the period holding today was compared (the same days of the earlier period, or whole).

`<metric>__previous` is the metric read through the same shifted window a period-over-period metric uses;
`<metric>__change_pct` is (now - before) / before, NULL when before is 0.
"""
from __future__ import annotations

from datetime import date

from sqlglot import exp

from semantic.definitions.models import Calendar
from semantic.plan.calendar import Bounds, days_after_today
from semantic.plan.formulas import MetricFormulas
from semantic.plan.metric_types.base import safe_divide
from semantic.plan.model import MetricOutput


def compare_outputs(formulas: MetricFormulas, output: MetricOutput, compare: str) -> list[MetricOutput]:
    """`<metric>__previous` and `<metric>__change_pct` for one metric of the question."""
    name = output.name
    before = exp.Paren(this=formulas.metric(name, shift=formulas.comparison_shift(compare)))
    change = exp.Sub(this=exp.Paren(this=output.formula), expression=before)
    words = "a year before" if compare == "same_period_last_year" else "the period before"
    label = output.label or name
    return [MetricOutput(f"{name}__previous", f"{label} ({words})", output.format, output.type, before),
            MetricOutput(f"{name}__change_pct", f"{label} (change on {words})", "percent", "number",
                         safe_divide(change, before))]


def comparison_note(formulas: MetricFormulas, output: MetricOutput, today: date, calendar: Calendar) -> str | None:
    """How the period holding today is compared, when the metric compares periods and one is to date."""
    columns = {exp_col.name for exp_col in output.formula.find_all(exp.Column)}
    shifts = {need.shift for key, need in formulas.needs.items()
              if need.shift is not None and formulas.columns[key] in columns}
    bounds: Bounds | None = formulas.bounds
    cut = days_after_today(bounds, today, formulas.grain, calendar) if shifts and bounds else None
    if cut is None:
        return None
    span = f"the {formulas.grain} holding today ({today})" if formulas.grain else f"the range, to date ({today}),"
    if all(shift[2] for shift in shifts):
        return f"like for like: {span} is compared with the same days of the earlier period"
    return f"whole periods: {span} is compared with the whole earlier period"
