"""mbox sample: the demo's Gmail activities as a Google Takeout mbox (with X-GM-THRID / X-GM-MSGID / labels)."""
from __future__ import annotations

from datetime import timezone
from pathlib import Path

import pyarrow as pa

from semantic.ingest.exports.mail import mails

FILE_NAME = "gmail_takeout.mbox"


def write(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    path = out_dir / FILE_NAME
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for mail in mails(tables):
            stamp = mail.occurred_at.replace(tzinfo=timezone.utc).strftime("%a %b %d %H:%M:%S %z %Y")
            out.write(f"From {mail.gmail_id}@xxx {stamp}\n")
            out.write(f"X-GM-THRID: {mail.thread_id}\nX-GM-MSGID: {mail.gmail_id}\n")
            out.write(f"X-Gmail-Labels: {'Sent' if mail.sent else 'Inbox,Category Personal'}\n")
            for name, value in mail.headers():
                out.write(f"{name}: {value}\n")
            out.write("Content-Type: text/plain; charset=utf-8\n\n(sample message body)\n\n")
    return [path]
