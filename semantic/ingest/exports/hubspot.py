"""HubSpot sample: one CRM-logged demo activity in five as CRM v3 email/meeting/call objects, in pages.

The Salesforce sample carries every CRM-logged activity; this share shows the HubSpot shape for a company on
HubSpot instead, so ingest one CRM's sample, not both, when counting. Associations name the demo's contact,
account (company) and deal by their demo ids; ingest declares them as HubSpot records.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

from semantic.ingest.exports.cast import Activity, Cast, Person

PAGE_SIZE = 1000
FILE_PATTERN = "hubspot_engagements_{:03d}.json"


def in_hubspot(activity_id: int) -> bool:
    return activity_id % 5 == 0


def write(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    chosen = [a for a in Cast(tables).activities(tables["activities"], "crm") if in_hubspot(a.activity_id)]
    paths = []
    for page, start in enumerate(range(0, max(len(chosen), 1), PAGE_SIZE), start=1):
        results = [_engagement(a) for a in chosen[start:start + PAGE_SIZE]]
        body: dict = {"results": results}
        if start + PAGE_SIZE < len(chosen):
            body["paging"] = {"next": {"after": str(start + PAGE_SIZE)}}
        paths.append(out_dir / FILE_PATTERN.format(page))
        paths[-1].write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    return paths


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _person(person: Person) -> dict:
    first, _, last = (person.name or "").partition(" ")
    return {"email": person.email, "firstName": first, "lastName": last}


def _engagement(activity: Activity) -> dict:
    direction = "inbound" if activity.inbound else "outbound"
    props: dict[str, str] = {"hs_timestamp": _iso(activity.occurred_at)}
    if activity.activity_type == "email":
        sender, recipient = (activity.other, activity.rep) if activity.inbound else (activity.rep, activity.other)
        props |= {"hs_email_subject": activity.subject,
                  "hs_email_direction": "INCOMING_EMAIL" if activity.inbound else "EMAIL",
                  "hs_email_headers": json.dumps({"from": _person(sender), "to": [_person(recipient)],
                                                  "cc": [], "bcc": []})}
    elif activity.activity_type == "meeting":
        end = activity.occurred_at + timedelta(seconds=activity.duration_seconds)
        props |= {"hs_meeting_title": activity.subject, "hs_meeting_start_time": _iso(activity.occurred_at),
                  "hs_meeting_end_time": _iso(end), "hs_meeting_outcome": "COMPLETED"}
    else:
        props |= {"hs_call_title": activity.subject, "hs_call_duration": str(activity.duration_seconds * 1000),
                  "hs_call_direction": direction.upper(), "hs_call_status": "COMPLETED"}
    associations = {kind: {"results": [{"id": str(ref), "type": f"{activity.activity_type}_to_{one}"}]}
                    for kind, one, ref in (("contacts", "contact", activity.contact_id),
                                           ("companies", "company", activity.account_id),
                                           ("deals", "deal", activity.opportunity_id)) if ref is not None}
    return {"id": str(70_000_000 + activity.activity_id), "properties": props,
            "createdAt": _iso(activity.occurred_at), "archived": False, "associations": associations}
