"""Activity -> rep, contact, account and declared opportunity, from its matched participants (set-based SQL).

Reads the participants as `semantic.link.participants` matched them (the staging table) and yields one row
per activity in scope with every link column, null where nothing links, so no stale link survives a run.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from semantic.definitions.linking_models import Linking
from semantic.ledger.schema import accounts, activities, opportunities, reps

ACTING_ROLES = ("from", "organizer", "host", "caller")
"""Roles of the person who acted (sent, organised, hosted, called): the activity's rep is the internal
participant in one of these roles, else the first internal participant by position."""

ACTIVITY_LINKS = ("rep_id", "contact_id", "account_id", "opportunity_id", "contact_rule", "account_rule",
                  "opportunity_rule")


def _first(staged: sa.Table, value_columns: list[ColumnElement], where: ColumnElement,
           order: list[ColumnElement], name: str) -> sa.Subquery:
    """Per activity, the values of the first staged participant matching `where` in `order`."""
    ranked = (sa.select(staged.c.activity_id, *value_columns,
                        sa.func.row_number().over(partition_by=staged.c.activity_id, order_by=order).label("pick"))
              .where(where).subquery(f"{name}_ranked"))
    return sa.select(ranked).where(ranked.c.pick == 1).subquery(name)


def activity_links(rules: Linking, scope: Select, staged: sa.Table) -> Select:
    """(activity_id, *ACTIVITY_LINKS) for every activity in scope; the opportunity only when declared (the
    window search in semantic.link.opportunities fills in the rest afterwards)."""
    s = staged.c
    rep = _first(staged, [s.rep_id], s.rep_id.is_not(None),
                 [sa.case((s.role.in_(ACTING_ROLES), 0), else_=1), s.position], "activity_rep")
    contact = _first(staged, [s.contact_id, s.match_rule], s.contact_id.is_not(None), [s.position],
                     "activity_contact")
    account_route = sa.case((s.contact_id.is_not(None), 0), (s.lead_id.is_not(None), 1), else_=2)
    account_rule = sa.case((s.contact_id.is_not(None), "contact.account"),
                           (s.lead_id.is_not(None), "lead.converted_contact"), else_="account.domain")
    account = _first(staged, [s.account_id, account_rule.label("rule")], s.account_id.is_not(None),
                     [account_route, s.position], "activity_account")
    people = (sa.select(s.activity_id, sa.func.count().label("participants"),
                        sa.func.count(sa.case((s.is_internal, 1))).label("internal"))
              .group_by(s.activity_id).subquery("activity_people"))

    a = activities.alias("a")
    declared_account, declared_deal = accounts.alias("declared_account"), opportunities.alias("declared_deal")
    declared_rep = reps.alias("declared_rep")
    internal_only = sa.and_(sa.func.coalesce(people.c.participants, 0) > 0,
                            people.c.internal == people.c.participants)
    cancelled = sa.func.coalesce(sa.func.lower(a.c.status), "") == "cancelled"
    linkable = sa.not_(sa.or_(internal_only, sa.and_(cancelled, not rules.link_cancelled)))

    def when_linkable(value: ColumnElement) -> ColumnElement:
        return sa.case((linkable, value), else_=sa.null())

    account_id = sa.func.coalesce(declared_account.c.account_id, account.c.account_id)
    return (
        sa.select(a.c.activity_id, sa.func.coalesce(declared_rep.c.rep_id, rep.c.rep_id).label("rep_id"),
                  when_linkable(contact.c.contact_id).label("contact_id"),
                  when_linkable(account_id).label("account_id"),
                  when_linkable(declared_deal.c.opportunity_id).label("opportunity_id"),
                  when_linkable(sa.case((contact.c.match_rule == "declared", "declared"),
                                        (contact.c.contact_id.is_not(None), "contact.email"))).label("contact_rule"),
                  when_linkable(sa.case((declared_account.c.account_id.is_not(None), "declared"),
                                        else_=account.c.rule)).label("account_rule"),
                  when_linkable(sa.case((declared_deal.c.opportunity_id.is_not(None), "declared")))
                  .label("opportunity_rule"))
        .select_from(a.outerjoin(rep, rep.c.activity_id == a.c.activity_id)
                     .outerjoin(contact, contact.c.activity_id == a.c.activity_id)
                     .outerjoin(account, account.c.activity_id == a.c.activity_id)
                     .outerjoin(people, people.c.activity_id == a.c.activity_id)
                     .outerjoin(declared_account, declared_account.c.account_id == a.c.declared_account_id)
                     .outerjoin(declared_deal, declared_deal.c.opportunity_id == a.c.declared_opportunity_id)
                     .outerjoin(declared_rep, declared_rep.c.rep_id == a.c.declared_rep_id))
        .where(a.c.activity_id.in_(scope)))
