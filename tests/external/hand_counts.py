"""Figures counted by hand from the customer's CSV files with Python's csv module, for comparison.

Deliberately independent of the layer and of SQL: no DuckDB, no compiled text, and each quirk is resolved
here in plain Python (whitespace-insensitive product matching, latest copy by timestamp, stage words
compared case- and space-insensitively, explicit fiscal quarter boundaries), so a mistake in the YAML
mapping or the compiler cannot be repeated on both sides.
"""
from __future__ import annotations

import csv
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sum_by(rows: list[dict[str, str]], key, value) -> dict:
    out: dict = defaultdict(float)
    for row in rows:
        out[key(row)] += value(row)
    return dict(out)


class MavenCounts:
    """maven-crm: deals are sales_pipeline rows; 'Won'/'Lost' are the closed stages."""

    def __init__(self, folder: Path) -> None:
        self.deals = read(folder / "sales_pipeline.csv")
        self.catalogue = [p["product"] for p in read(folder / "products.csv")]
        self.sector = {a["account"]: a["sector"] for a in read(folder / "accounts.csv")}
        self.won = [d for d in self.deals if d["deal_stage"] == "Won"]
        self.lost = [d for d in self.deals if d["deal_stage"] == "Lost"]
        self.open = [d for d in self.deals if d["deal_stage"] not in ("Won", "Lost")]

    def catalogue_name(self, pipeline_name: str) -> str:
        matches = [c for c in self.catalogue if c.replace(" ", "") == pipeline_name.replace(" ", "")]
        assert len(matches) == 1, pipeline_name
        return matches[0]

    def sector_of(self, deal: dict[str, str]) -> str | None:
        if not deal["account"]:
            return None
        return {"technolgy": "technology"}.get(self.sector[deal["account"]], self.sector[deal["account"]])

    def bookings(self) -> float:
        return sum(float(d["close_value"]) for d in self.won)

    def bookings_by_product(self) -> dict[str, float]:
        return _sum_by(self.won, lambda d: self.catalogue_name(d["product"]), lambda d: float(d["close_value"]))

    def bookings_by_sector(self) -> dict[str | None, float]:
        return _sum_by(self.won, self.sector_of, lambda d: float(d["close_value"]))

    def open_deals_by_sector(self) -> dict[str | None, int]:
        return dict(Counter(self.sector_of(d) for d in self.open))

    def bookings_by_quarter_2017(self) -> dict[str, float]:
        starts = [date(2017, 1, 1), date(2017, 4, 1), date(2017, 7, 1), date(2017, 10, 1), date(2018, 1, 1)]
        out = {s.isoformat(): 0.0 for s in starts[:-1]}
        for deal in self.won:
            closed = date.fromisoformat(deal["close_date"])
            for lo, hi in zip(starts, starts[1:]):
                if lo <= closed < hi:
                    out[lo.isoformat()] += float(deal["close_value"])
        return out


class LakehouseCounts:
    """pipeline-lakehouse: the latest copy of each opportunity, stage words compared loosely."""

    FISCAL_2024 = [date(2024, 2, 1), date(2024, 5, 1), date(2024, 8, 1), date(2024, 11, 1), date(2025, 2, 1)]

    def __init__(self, folder: Path) -> None:
        latest: dict[str, dict[str, str]] = {}
        for row in read(folder / "opportunities.csv"):
            kept = latest.get(row["opportunity_id"])
            if kept is None or row["last_modified_ts"] > kept["last_modified_ts"]:  # ISO text sorts by time
                latest[row["opportunity_id"]] = row
        self.opportunities = latest
        self.industry = {a["account_id"]: a["industry"] for a in read(folder / "accounts.csv")}
        self.activities = read(folder / "activities.csv")
        self.changes: dict[str, list[dict[str, str]]] = defaultdict(list)
        for change in read(folder / "opportunity_stage_history.csv"):
            self.changes[change["opportunity_id"]].append(change)
        self.won = [o for o in latest.values() if self.stage(o) == "closed won"]
        self.lost = [o for o in latest.values() if self.stage(o) == "closed lost"]

    @staticmethod
    def stage(opportunity: dict[str, str]) -> str:
        return " ".join(opportunity["stage"].split()).lower()

    @staticmethod
    def amount(opportunity: dict[str, str]) -> float:
        """Blank and negative amounts are data errors: they book nothing."""
        text = opportunity["amount"].strip()
        return float(text) if text and float(text) > 0 else 0.0

    def bookings(self) -> float:
        return sum(self.amount(o) for o in self.won)

    def bookings_by_industry(self) -> dict[str | None, float]:
        return _sum_by(self.won, lambda o: self.industry.get(o["account_id"]), self.amount)

    def activities_by_type(self) -> dict[str, int]:
        return dict(Counter(a["activity_type"] for a in self.activities))

    def activities_by_industry(self) -> dict[str | None, int]:
        return dict(Counter(self.industry.get(self.opportunities[a["opportunity_id"]]["account_id"])
                            for a in self.activities))

    def fiscal_2024_by_quarter(self) -> dict[str, tuple[float, int, int]]:
        """(bookings, won, closed) per fiscal quarter of the year starting 2024-02-01."""
        out = {}
        bounds = list(zip(self.FISCAL_2024, self.FISCAL_2024[1:]))
        for lo, hi in bounds:
            inside = lambda o: lo <= date.fromisoformat(o["actual_close_date"]) < hi  # noqa: E731
            won = [o for o in self.won if inside(o)]
            lost = [o for o in self.lost if inside(o)]
            out[lo.isoformat()] = (sum(self.amount(o) for o in won), len(won), len(won) + len(lost))
        return out

    def stage_as_of(self, opportunity: dict[str, str], day: date) -> str | None:
        """The stage at the end of `day`: the latest change before the next midnight (equal times: the greater
        history_id), else the from-stage of the first change after it (none for the creation row), else the
        current stage; None when the deal was created after `day`."""
        if date.fromisoformat(opportunity["created_date"]) > day:
            return None
        bound = f"{day + timedelta(days=1)} 00:00:00"  # ISO text compares as time
        changes = self.changes[opportunity["opportunity_id"]]
        before = [c for c in changes if c["changed_at"] < bound]
        if before:
            return max(before, key=lambda c: (c["changed_at"], c["history_id"]))["to_stage"].lower()
        after = [c for c in changes if c["changed_at"] >= bound]
        if after:
            return min(after, key=lambda c: (c["changed_at"], c["history_id"]))["from_stage"].lower() or None
        return self.stage(opportunity)

    def stage_spells(self) -> list[tuple[str, str, str | None]]:
        """(stage, entered, exited or None) of every stay in a stage: the changes in (changed_at, history_id)
        order, preceded from the creation day by the first change's from-stage when it has one and comes
        later; a change to the stage the deal is already in does not start a stay."""
        out = []
        for opportunity_id, opportunity in self.opportunities.items():
            changes = sorted(self.changes[opportunity_id], key=lambda c: (c["changed_at"], c["history_id"]))
            created = f"{opportunity['created_date']} 00:00:00"
            states = [(created, changes[0]["from_stage"])] \
                if changes and changes[0]["from_stage"] and created < changes[0]["changed_at"] else []
            states += [(c["changed_at"], c["to_stage"]) for c in changes]
            entries = [s for i, s in enumerate(states) if i == 0 or s[1] != states[i - 1][1]]
            out += [(stage, at, entries[i + 1][0] if i + 1 < len(entries) else None)
                    for i, (at, stage) in enumerate(entries)]
        return out

    def days_in_stage(self) -> dict[str, float]:
        """Average calendar days of the completed stays, per stage."""
        days: dict[str, list[int]] = defaultdict(list)
        for stage, entered, exited in self.stage_spells():
            if exited is not None:
                days[stage].append((date.fromisoformat(exited[:10]) - date.fromisoformat(entered[:10])).days)
        return {stage: sum(d) / len(d) for stage, d in days.items()}

    def open_pipeline_as_of(self, day: date) -> dict[str, float]:
        """Open amount per stage (lower case) at the end of `day`."""
        out: dict[str, float] = defaultdict(float)
        for opportunity in self.opportunities.values():
            stage = self.stage_as_of(opportunity, day)
            if stage is not None and stage not in ("closed won", "closed lost"):
                out[stage] += self.amount(opportunity)
        return dict(out)
