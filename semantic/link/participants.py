"""Who each participant is: a rep, a contact, a lead or just someone at an account (set-based SQL).

One SELECT computes every participant of the activities in scope with the link columns filled, so a run
costs a few hash joins whatever the ledger's size. The order of the rules (docs/linking.md):
internal domain -> rep by email; else a contact or lead the source declared (when it exists in the ledger);
else a contact by exact email; else a lead by exact email; else an account by the email's domain, unless
the domain is a personal one. A participant without an email can still be matched by a declared record.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql import ColumnElement, Select

from semantic.definitions.linking_models import Linking
from semantic.ledger.schema import accounts, activities, activity_participants, contacts, leads, reps

LINK_COLUMNS = ("is_internal", "rep_id", "contact_id", "lead_id", "account_id", "match_rule")


def email_domain(email: ColumnElement) -> ColumnElement:
    return sa.func.split_part(email, "@", 2)


def website_domain(domain: ColumnElement) -> ColumnElement:
    """accounts.domain as an email domain: trimmed, lower-case, without a leading 'www.'."""
    clean = sa.func.lower(sa.func.trim(domain))
    return sa.case((clean.like("www.%"), sa.func.substr(clean, 5)), else_=clean)


def _contact_by_email(scope: Select) -> sa.Subquery:
    """The one contact per participant whose email matches. The same email at two accounts (a person who
    changed jobs, a duplicate) is settled by: the account the activity declares, then the newest contact
    row, then the lowest contact id."""
    p, a, c = activity_participants.alias("p"), activities.alias("a"), contacts.alias("c")
    ranked = (
        sa.select(p.c.activity_id, p.c.position, c.c.contact_id, c.c.account_id,
                  sa.func.row_number().over(
                      partition_by=(p.c.activity_id, p.c.position),
                      order_by=(sa.case((c.c.account_id == a.c.declared_account_id, 0), else_=1),
                                c.c.created_at.desc().nulls_last(), c.c.contact_id)).label("pick"))
        .select_from(p.join(a, a.c.activity_id == p.c.activity_id)
                     .join(c, sa.func.lower(sa.func.trim(c.c.email)) == p.c.email))
        .where(p.c.activity_id.in_(scope), p.c.email.is_not(None))
        .subquery("ranked_contacts"))
    return sa.select(ranked).where(ranked.c.pick == 1).subquery("email_contact")


def _lead_by_email() -> sa.Subquery:
    """One lead per email (the newest, then the lowest id), with its converted contact's account."""
    conv = contacts.alias("converted")
    ranked = (
        sa.select(sa.func.lower(sa.func.trim(leads.c.email)).label("email"), leads.c.lead_id,
                  conv.c.account_id,
                  sa.func.row_number().over(partition_by=sa.func.lower(sa.func.trim(leads.c.email)),
                                            order_by=(leads.c.created_at.desc(), leads.c.lead_id)).label("pick"))
        .select_from(leads.outerjoin(conv, conv.c.contact_id == leads.c.contact_id))
        .where(leads.c.email.is_not(None))
        .subquery("ranked_leads"))
    return sa.select(ranked).where(ranked.c.pick == 1).subquery("email_lead")


def _account_by_domain() -> sa.Subquery:
    """One account per website domain; two accounts with the same domain: the lowest id."""
    domain = website_domain(accounts.c.domain)
    return (sa.select(domain.label("domain"), sa.func.min(accounts.c.account_id).label("account_id"))
            .where(accounts.c.domain.is_not(None)).group_by(domain).subquery("domain_account"))


def _rep_by_email() -> sa.Subquery:
    email = sa.func.lower(sa.func.trim(reps.c.email))
    return sa.select(email.label("email"), sa.func.min(reps.c.rep_id).label("rep_id")).group_by(email) \
        .subquery("email_rep")


def matched_participants(rules: Linking, scope: Select) -> Select:
    """Every participant of the activities in `scope`, all columns, with LINK_COLUMNS recomputed."""
    p = activity_participants.alias("p")
    dc, dl, dl_conv = contacts.alias("declared_contact"), leads.alias("declared_lead"), contacts.alias("dl_conv")
    ec, el, dom, rep = _contact_by_email(scope), _lead_by_email(), _account_by_domain(), _rep_by_email()
    domain = email_domain(p.c.email)
    internal = sa.and_(p.c.email.is_not(None), domain.in_(rules.internal_domains))
    personal = domain.in_(rules.personal_domains)
    joined = (
        p.outerjoin(dc, dc.c.contact_id == p.c.declared_contact_id)
        .outerjoin(dl, dl.c.lead_id == p.c.declared_lead_id)
        .outerjoin(dl_conv, dl_conv.c.contact_id == dl.c.contact_id)
        .outerjoin(ec, sa.and_(ec.c.activity_id == p.c.activity_id, ec.c.position == p.c.position))
        .outerjoin(el, el.c.email == p.c.email)
        .outerjoin(dom, sa.and_(dom.c.domain == domain, sa.not_(personal)))
        .outerjoin(rep, rep.c.email == p.c.email))
    raw = (sa.select(*(p.c[c.name] for c in activity_participants.columns if c.name not in LINK_COLUMNS),
                     sa.func.coalesce(internal, False).label("is_internal"), rep.c.rep_id.label("rep_id"),
                     dc.c.contact_id.label("dc_contact"), dc.c.account_id.label("dc_account"),
                     dl.c.lead_id.label("dl_lead"), dl_conv.c.account_id.label("dl_account"),
                     ec.c.contact_id.label("ec_contact"), ec.c.account_id.label("ec_account"),
                     el.c.lead_id.label("el_lead"), el.c.account_id.label("el_account"),
                     dom.c.account_id.label("dom_account"))
           .select_from(joined).where(p.c.activity_id.in_(scope)).subquery("raw"))
    r = raw.c
    # The first route that applies decides contact, lead, account and rule together (docs/linking.md).
    routes: list[tuple[ColumnElement, ColumnElement | None, ColumnElement | None, ColumnElement | None, str]] = [
        (r.dc_contact.is_not(None), r.dc_contact, None, r.dc_account, "declared"),
        (r.dl_lead.is_not(None), None, r.dl_lead, r.dl_account, "declared"),
        (r.ec_contact.is_not(None), r.ec_contact, None, r.ec_account, "contact.email"),
        (r.el_lead.is_not(None), None, r.el_lead, r.el_account, "lead.email"),
        (r.dom_account.is_not(None), None, None, r.dom_account, "account.domain"),
    ]

    def pick(index: int) -> ColumnElement:
        whens = [(cond, sa.null() if route[index] is None else route[index]) for cond, *route in routes]
        return sa.case((r.is_internal, sa.null()), *whens, else_=sa.null())

    rule = sa.case((sa.and_(r.is_internal, r.rep_id.is_not(None)), "rep.email"), (r.is_internal, "internal.domain"),
                   *((cond, name) for cond, *_, name in routes), else_=sa.null())
    computed = {"is_internal": r.is_internal, "rep_id": sa.case((r.is_internal, r.rep_id), else_=sa.null()),
                "contact_id": pick(0), "lead_id": pick(1), "account_id": pick(2), "match_rule": rule}
    return sa.select(*(computed[c.name].label(c.name) if c.name in computed else r[c.name]
                       for c in activity_participants.columns))
