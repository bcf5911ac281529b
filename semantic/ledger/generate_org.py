"""Reps and accounts: the sales organisation and the companies it sells to.

Both are small (tens of reps, thousands of accounts per unit of scale) but everything else hangs off
them: account segment drives deal size and cycle length, account owners own most of the deals.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from semantic.ledger.demo_common import DAY, Clock, count, dates, ids, labels, money, people_names, pick, ts

REGIONS = ("NA", "EMEA", "APAC")
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
ROLES = ("manager", "ae", "sdr")
INDUSTRIES = ("Software", "Financial Services", "Healthcare", "Retail", "Manufacturing", "Media", "Education")
_ADJ = ("North", "Blue", "Bright", "Silver", "Rapid", "Quiet", "Prime", "Atlas", "Nova", "Red", "Green", "Iron",
        "Summit", "Harbor", "Cedar", "Vertex", "Lumen", "Orbit", "Pioneer", "Crest")
_NOUN = ("wind", "stone", "field", "bridge", "river", "peak", "forge", "leaf", "wave", "gate", "light", "path",
         "works", "point", "line", "core", "grid", "loop", "mark", "yard")
_SUFFIX = ((" Inc", "com"), (" Labs", "io"), (" Group", "group"), (" Systems", "net"), (" AG", "de"),
           (" Ltd", "co.uk"), (" Health", "health"), (" Analytics", "ai"))
QUOTA_BY_SEGMENT = np.array([500_000, 800_000, 1_200_000])


@dataclass
class Reps:
    role: np.ndarray      # index into ROLES
    region: np.ndarray    # index into REGIONS
    manager: np.ndarray   # row index of the manager, -1 for managers
    table: pa.Table

    @property
    def ae_rows(self) -> np.ndarray:
        return np.flatnonzero(self.role == 1)


@dataclass
class Accounts:
    segment: np.ndarray   # index into SEGMENTS
    region: np.ndarray
    owner: np.ndarray     # row index into reps
    name: pa.Array
    domain: pa.Array


def make_reps(rng: np.random.Generator, clock: Clock, scale: float) -> Reps:
    """Managers lead one team each (region x segment); AEs and SDRs report to a manager of their team.

    quota_amount is an annual quota for AEs only and NULL for managers and SDRs, so sum(quota) is the
    quota the closing reps carry, not double counted through their managers.
    """
    n = count(40, scale, 8)
    n_mgr = max(3, n // 10)
    m = np.arange(n_mgr)
    role = np.where(rng.random(n) < 0.27, 2, 1)
    role[:n_mgr] = 0
    role[n_mgr:n_mgr + 2] = (2, 1)  # even the tiniest demo has an SDR and an AE
    manager = np.where(role == 0, -1, rng.integers(0, n_mgr, n))
    mgr_region, mgr_segment = m % 3, (m // 3) % 3
    region = np.where(role == 0, np.resize(mgr_region, n), mgr_region[np.maximum(manager, 0)])
    team_segment = np.where(role == 0, np.resize(mgr_segment, n), mgr_segment[np.maximum(manager, 0)])
    name, handle = people_names(rng, n)
    rep_id = np.arange(1, n + 1)
    email = pc.binary_join_element_wise(handle, pc.cast(ids(rep_id), pa.string()), "@northpeak.example", "")
    team = pc.binary_join_element_wise(labels(REGIONS, region), labels(SEGMENTS, team_segment), " ")
    hired = clock.start - rng.integers(30, 5 * 365, n) * DAY
    quota = np.round(QUOTA_BY_SEGMENT[team_segment] * rng.uniform(0.9, 1.1, n), -4)
    table = pa.table({
        "rep_id": ids(rep_id), "name": name, "email": email, "team": team,
        "region": labels(REGIONS, region), "role": labels(ROLES, role),
        "manager_id": ids(manager + 1, manager >= 0), "hired_at": dates(hired),
        "quota_amount": money(quota, role == 1),
    })
    return Reps(role=role, region=region, manager=manager, table=table)


def make_accounts(rng: np.random.Generator, scale: float, reps: Reps) -> Accounts:
    """Accounts with a unique name/domain each; the owner is an AE of the account's region when one exists."""
    n = count(1000, scale, 30)
    segment = pick(rng, SEGMENTS, n, [0.55, 0.30, 0.15])
    region = pick(rng, REGIONS, n, [0.5, 0.3, 0.2])
    aes = reps.ae_rows
    owner = aes[rng.integers(0, aes.size, n)]
    for r in range(len(REGIONS)):
        local = aes[reps.region[aes] == r]
        here = np.flatnonzero(region == r)
        if local.size:
            owner[here] = local[rng.integers(0, local.size, here.size)]
    combos = len(_ADJ) * len(_NOUN) * len(_SUFFIX)
    code = np.concatenate([rng.permutation(combos), np.arange(max(0, n - combos)) + combos])[:n]
    adj, noun = code % len(_ADJ), (code // len(_ADJ)) % len(_NOUN)
    suffix, generation = (code // (len(_ADJ) * len(_NOUN))) % len(_SUFFIX), code // combos
    stem = pc.binary_join_element_wise(labels(_ADJ, adj), labels(_NOUN, noun), "")
    gen = pc.if_else(pa.array(generation > 0), pc.cast(pa.array(generation + 1), pa.string()), "")
    stem = pc.binary_join_element_wise(stem, gen, "")
    name = pc.binary_join_element_wise(stem, labels(tuple(s for s, _ in _SUFFIX), suffix), "")
    domain = pc.binary_join_element_wise(pc.utf8_lower(stem), labels(tuple(t for _, t in _SUFFIX), suffix), ".")
    return Accounts(segment=segment, region=region, owner=owner, name=name, domain=domain)


def accounts_table(rng: np.random.Generator, clock: Clock, accounts: Accounts,
                   first_deal: np.ndarray) -> tuple[pa.Table, np.ndarray]:
    """Accounts exist before their first deal; accounts without deals were created any time in the window."""
    n = accounts.segment.size
    anytime = clock.start - 365 * DAY + rng.integers(0, (365 + 3 * 365 - 30) * DAY, n)
    before_deal = first_deal - rng.integers(1, 180, n) * DAY
    created = np.where(first_deal >= 0, np.minimum(anytime, before_deal), anytime)
    return pa.table({
        "account_id": ids(np.arange(1, n + 1)), "name": accounts.name, "domain": accounts.domain,
        "industry": labels(INDUSTRIES, pick(rng, INDUSTRIES, n)),
        "segment": labels(SEGMENTS, accounts.segment), "region": labels(REGIONS, accounts.region),
        "owner_rep_id": ids(accounts.owner + 1), "created_at": ts(created),
    }), created
