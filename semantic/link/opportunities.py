"""Activity -> opportunity among the account's deals open around it, ranked by the linking rules' tie-breaks.

A deal is a candidate when it belongs to the activity's account and was open at some time within
`window_days` of the activity: created before occurred_at + window and not closed before occurred_at -
window. Candidates are ranked by the `tie_break` criteria in order; the best group (equal on every
criterion) wins when it holds one deal, or at most `max_deals` (then the lowest id, said by its rule);
a bigger group stays unlinked as 'opportunity.ambiguous' rather than guessing. Set-based: one ranked join
and one aggregate per run, whatever the number of activities.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from semantic.definitions.linking_models import Linking
from semantic.ledger.schema import opportunities, opportunity_contact_roles

RULE_SUFFIX = {"contact_role": "role", "owner": "owner", "nearest_close_date": "close_date"}
NO_CLOSE_DATE_DAYS = 1_000_000  # a deal without an expected close date ranks after every dated one


def opportunity_choice(rules: Linking, linked: sa.Table, staged: sa.Table) -> Select:
    """(activity_id, opportunity_id, opportunity_rule) for each activity of `linked` (the activities being
    relinked, their other links already set) that has an account, no opportunity yet and a candidate deal;
    `staged` holds their matched participants."""
    window = sa.literal(timedelta(days=rules.opportunity.window_days), sa.Interval)
    a, o = linked.alias("a"), opportunities.alias("o")
    s = staged.c
    roles = (sa.select(s.activity_id, opportunity_contact_roles.c.opportunity_id)
             .join(opportunity_contact_roles, opportunity_contact_roles.c.contact_id == s.contact_id)
             .distinct().subquery("role_match"))
    owners = sa.select(s.activity_id, s.rep_id).where(s.rep_id.is_not(None)).distinct().subquery("taking_part")
    distance = sa.func.abs(sa.cast(o.c.close_date, sa.Date) - sa.cast(a.c.occurred_at, sa.Date))
    score: dict[str, ColumnElement] = {
        "contact_role": sa.case((roles.c.opportunity_id.is_not(None), 1), else_=0),
        "owner": sa.case((owners.c.rep_id.is_not(None), 1), else_=0),
        "nearest_close_date": -sa.func.coalesce(distance, NO_CLOSE_DATE_DAYS),
    }
    keys = [score[name].label(f"k_{name}") for name in rules.opportunity.tie_break]
    grade = sa.func.dense_rank().over(partition_by=a.c.activity_id,
                                      order_by=[k.desc() for k in keys] or [sa.literal(0)])
    candidates = (
        sa.select(a.c.activity_id, o.c.opportunity_id, *keys, grade.label("grade"))
        .select_from(a.join(o, o.c.account_id == a.c.account_id)
                     .outerjoin(roles, sa.and_(roles.c.activity_id == a.c.activity_id,
                                               roles.c.opportunity_id == o.c.opportunity_id))
                     .outerjoin(owners, sa.and_(owners.c.activity_id == a.c.activity_id,
                                                owners.c.rep_id == o.c.owner_rep_id)))
        .where(a.c.opportunity_id.is_(None), a.c.opportunity_rule.is_(None),
               o.c.created_at < a.c.occurred_at + window,
               sa.or_(sa.not_(o.c.is_closed), o.c.closed_at >= a.c.occurred_at - window))
        .subquery("candidates"))
    c = candidates.c
    best = c.grade == 1

    def best_and_runner_up(name: str) -> tuple[ColumnElement, ColumnElement]:
        return (sa.func.max(sa.case((best, c[f"k_{name}"]))), sa.func.max(sa.case((c.grade == 2, c[f"k_{name}"]))))

    total, tied = sa.func.count(), sa.func.count(sa.case((best, 1)))
    deciding = []
    for name in rules.opportunity.tie_break:
        top, second = best_and_runner_up(name)
        deciding.append((top != second, f"opportunity.open_window.{RULE_SUFFIX[name]}"))
    ambiguous = tied > rules.opportunity.max_deals
    rule = sa.case((total == 1, "opportunity.single_open"), (ambiguous, "opportunity.ambiguous"),
                   (tied > 1, "opportunity.open_window.lowest_id"), *deciding,
                   else_="opportunity.open_window.lowest_id")
    chosen = sa.case((ambiguous, sa.null()), else_=sa.func.min(sa.case((best, c.opportunity_id))))
    return sa.select(c.activity_id, chosen.label("opportunity_id"), rule.label("opportunity_rule")) \
        .group_by(c.activity_id)
