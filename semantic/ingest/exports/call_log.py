"""Call-log sample: the demo's Truly calls as a dialer CSV, with the YAML mapping that reads it.

Times are written in the dialer account's local time (America/New_York, across daylight saving) the way
dialers export them, so the mapping's time zone matters. Phone numbers are from the reserved 555-01xx
range (fictional); the rep is identified by email, the other side by number only.
"""
from __future__ import annotations

import csv
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from semantic.ingest.exports.cast import Cast

CSV_FILE = "truly_calls.csv"
MAPPING_FILE = "truly_mapping.yaml"
TIME_ZONE = "America/New_York"
HEADER = ["Call ID", "Start", "From Number", "To Number", "Direction", "Rep", "Duration (s)", "Outcome", "Call Title"]
MAPPING = f"""# How to read {CSV_FILE}: which column holds what (see docs/ingest.md, "Call log").
source_system: truly
columns:
  id: Call ID
  started_at: Start
  from: From Number
  to: To Number
  direction: Direction
  rep_email: Rep
  duration: Duration (s)
  status: Outcome
  subject: Call Title
timestamp:
  format: "%Y-%m-%d %H:%M:%S"
  time_zone: {TIME_ZONE}
duration_unit: seconds
direction_values:
  inbound: [incoming]
  outbound: [outgoing]
"""


def write(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    csv_path, mapping_path = out_dir / CSV_FILE, out_dir / MAPPING_FILE
    zone = ZoneInfo(TIME_ZONE)
    reps = {r["email"]: r["rep_id"] for r in tables["reps"].select(["rep_id", "email"]).to_pylist()}
    with csv_path.open("w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(HEADER)
        for call in Cast(tables).activities(tables["activities"], "truly"):
            rep_phone = f"+1 415 555 01{reps[call.rep.email] % 100:02d}"
            other_phone = f"+1 212 555 01{call.activity_id % 100:02d}"
            local = call.occurred_at.replace(tzinfo=timezone.utc).astimezone(zone)
            rows.writerow([
                f"CA{call.activity_id:010d}", local.strftime("%Y-%m-%d %H:%M:%S"),
                other_phone if call.inbound else rep_phone, rep_phone if call.inbound else other_phone,
                "Incoming" if call.inbound else "Outgoing", call.rep.email, call.duration_seconds,
                "Connected" if call.duration_seconds >= 60 else "Voicemail", call.subject,
            ])
    mapping_path.write_text(MAPPING, encoding="utf-8")
    return [csv_path, mapping_path]
