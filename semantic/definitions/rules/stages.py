"""Stage rules: the ordered stage list is complete and consistent, and every stage name written elsewhere
exists in it.

Win rate, bookings and the forecast all hinge on which stage means 'won'; a list with two won stages or a
filter on a misspelt stage name returns a plausible but wrong number, which is worse than an error.
"""
from __future__ import annotations

from sqlglot import exp

from semantic.definitions import models as m
from semantic.definitions.expressions import STAGE_FUNCTIONS, ExpressionError, parse_scalar
from semantic.definitions.project import Definitions
from semantic.definitions.rules.context import Context, context, mentions_stage_function, report_unknown
from semantic.errors import IssueList, did_you_mean_value, known_names_hint

FORECAST_CATEGORIES: tuple[str, ...] = m.ForecastCategory.__args__  # type: ignore[attr-defined]


def check_stage_list(defs: Definitions, issues: IssueList) -> None:
    """Unique names, exactly one won stage, at least one lost stage, won implies closed."""
    stages = defs.stages
    if not stages:
        return
    ctx = context(defs)
    here = ctx.section_position("stages")

    def at(i: int, key: str):
        return ctx.stage_position(i, key) or here

    seen: dict[str, int] = {}
    for i, stage in enumerate(stages):
        if stage.name in seen:
            issues.add("E_STAGES", f"stage '{stage.name}' is listed twice (first as stage {seen[stage.name] + 1})",
                       at(i, "name"), "stage names must be unique; remove or rename one")
        seen.setdefault(stage.name, i)
        if stage.is_won and not stage.is_closed:
            issues.add("E_STAGES", f"stage '{stage.name}' is won but not closed", at(i, "is_won"),
                       "add `is_closed: true` to the won stage")
        if stage.is_won and stage.forecast_category != "closed":
            issues.add("W_STAGE_FORECAST", f"won stage '{stage.name}' has forecast_category "
                       f"'{stage.forecast_category}'", at(i, "forecast_category"),
                       "a won deal is booked: use `forecast_category: closed`", severity="warning")
        if stage.is_closed and not stage.is_won and stage.forecast_category == "closed":
            issues.add("W_STAGE_FORECAST", f"lost stage '{stage.name}' has forecast_category 'closed'",
                       at(i, "forecast_category"), "lost deals leave the forecast: use `forecast_category: omitted`",
                       severity="warning")
        if stage.is_closed and stage.stale_after_days is not None:
            issues.add("W_STAGE_HYGIENE", f"closed stage '{stage.name}' sets stale_after_days, but only open deals "
                       "can be stale", at(i, "stale_after_days"),
                       "remove `stale_after_days` from the closed stage", severity="warning")
    won = [i for i, s in enumerate(stages) if s.is_won]
    if len(won) != 1:
        issues.add("E_STAGES", f"exactly one stage must have `is_won: true` (found {len(won)})",
                   at(won[1], "is_won") if len(won) > 1 else here,
                   "mark the single signed-contract stage with `is_won: true` and `is_closed: true`")
    if not any(s.is_closed and not s.is_won for s in stages):
        issues.add("E_STAGES", "no lost stage: at least one stage must be closed and not won", here,
                   "add a stage such as closed_lost with `is_closed: true` (win rate needs it)")


def check_stage_dimensions(defs: Definitions, issues: IssueList) -> None:
    """A declared `stage_dimension` is a dimension of its entity, and there is a stage list to check it by."""
    for name, ent in defs.entities.items():
        if ent.stage_dimension is None:
            continue
        where = defs.where_value("entities", name, "stage_dimension")
        if ent.stage_dimension not in ent.dimensions:
            report_unknown(issues, "E_UNKNOWN_DIMENSION", "dimension", f"entity '{name}' stage_dimension",
                           ent.stage_dimension, ent.dimensions, where)
        elif not defs.stages:
            issues.add("E_STAGES", f"entity '{name}' declares stage_dimension '{ent.stage_dimension}' but no "
                       "stages are defined", where, "add the ordered `stages:` list to glossary.yaml")


def _literals(node: exp.Expression) -> list[str]:
    return [x.this for x in node.find_all(exp.Literal) if x.is_string]


def value_domain(ctx: Context, entity: str, node: exp.Expression) -> tuple[str, tuple[str, ...]] | None:
    """What values `node` can hold when it is the stage column or a stage function of `entity`."""
    if isinstance(node, exp.Column) and node.name in ctx.stage_columns.get(entity, ()) and ctx.defs.stages:
        return "stage", tuple(s.name for s in ctx.defs.stages)
    if isinstance(node, exp.Anonymous) and node.name.lower() == "stage_forecast_category":
        return "forecast category", FORECAST_CATEGORIES
    return None


def check_stage_references(defs: Definitions, issues: IssueList) -> None:
    """Stage functions need a stage list; string literals compared to a stage column must be stage names."""
    ctx = context(defs)
    for site in ctx.expr_sites:
        uses_function = mentions_stage_function(site.text)
        if not uses_function and site.entity not in ctx.stage_columns:
            continue  # nothing in this expression can refer to a stage
        try:
            tree = parse_scalar(site.text).tree
        except ExpressionError:
            continue
        if not defs.stages and uses_function and any(a.name.lower() in STAGE_FUNCTIONS for a in tree.find_all(exp.Anonymous)):
            issues.add("E_STAGES", f"{site.owner} uses a stage function but no stages are defined", site.position,
                       "add the ordered `stages:` list to glossary.yaml")
            continue
        for cmp in tree.find_all(exp.EQ, exp.NEQ, exp.In):
            sides = [(cmp.this, cmp.expressions)] if isinstance(cmp, exp.In) else \
                [(cmp.this, [cmp.expression]), (cmp.expression, [cmp.this])]
            for subject, others in sides:
                domain = value_domain(ctx, site.entity, subject)
                if domain is None:
                    continue
                kind, allowed = domain
                for value in [v for o in others for v in _literals(o)]:
                    if value not in allowed:
                        issues.add("E_UNKNOWN_STAGE", f"{site.owner} compares to unknown {kind} '{value}'"
                                   + did_you_mean_value(value, allowed), site.position,
                                   known_names_hint(f"{kind} values", allowed))


RULES = (check_stage_list, check_stage_dimensions, check_stage_references)
