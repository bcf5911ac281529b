"""The `linking:` section (linking.yaml): how activities are tied to reps, contacts, accounts and deals.

The rules are definitions like the metrics: versioned in git, part of the definitions version hash and
validated with positions, so a change of who counts as internal or how wide the deal window is goes
through review and `semantic link` re-applies it (docs/linking.md).
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from semantic.definitions.model_types import Model

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


def _domain(value: str) -> str:
    """Domains are compared with the part of an email after '@', lower-cased: a URL or an address never
    matches, so it is refused here rather than silently linking nothing."""
    if not _DOMAIN.match(value):
        raise ValueError(f"'{value}' is not a lower-case domain such as example.com (no scheme, path, '@' or "
                         "upper case)")
    return value


Domain = Annotated[str, AfterValidator(_domain)]
TieBreak = Literal["contact_role", "owner", "nearest_close_date"]

PERSONAL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
    "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com",
    "gmx.de", "web.de", "mail.com", "yandex.com", "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com",
)


class OpportunityLinking(Model):
    window_days: int = Field(14, ge=0, le=365, description="A deal is a candidate when it was open at some time "
                             "within this many days before or after the activity.")
    tie_break: tuple[TieBreak, ...] = Field(
        ("contact_role", "owner", "nearest_close_date"),
        description="How candidate deals are ranked, most important first: contact_role (a matched contact has "
                    "a contact role on the deal), owner (the deal's owner takes part), nearest_close_date (the "
                    "expected close date nearest the activity). Candidates equal on all of them are tied.")
    max_deals: int = Field(1, ge=1, le=20, description="How many equally ranked candidates the linker may choose "
                           "among (by lowest opportunity id); with more, the activity keeps no opportunity and "
                           "the rule 'opportunity.ambiguous'. 1 = never choose between equals.")

    @model_validator(mode="after")
    def _distinct(self) -> OpportunityLinking:
        repeated = sorted({t for t in self.tie_break if self.tie_break.count(t) > 1})
        if repeated:
            raise ValueError(f"tie_break names {', '.join(repeated)} more than once")
        return self


class Linking(Model):
    """Everything `semantic link` needs besides the ledger itself."""

    internal_domains: tuple[Domain, ...] = Field(
        min_length=1, description="Email domains of your own company: their people are reps (matched by "
                                  "reps.email), never contacts or accounts.")
    personal_domains: tuple[Domain, ...] = Field(
        PERSONAL_DOMAINS, description="Free-mail domains that never match an account by its website domain "
                                      "(a contact or lead with such an email still matches by exact email).")
    link_cancelled: bool = Field(False, description="Link cancelled meetings (status 'cancelled') to a contact, "
                                                    "account and deal like held ones; when false they get a rep only.")
    opportunity: OpportunityLinking = OpportunityLinking()

    @model_validator(mode="after")
    def _disjoint(self) -> Linking:
        both = sorted(set(self.internal_domains) & set(self.personal_domains))
        if both:
            raise ValueError(f"{', '.join(both)} is both internal and personal; remove it from one list")
        return self
