"""Gmail API sample: the demo's Gmail activities as `users.messages.get` (format=metadata) responses, JSON Lines."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from semantic.ingest.exports.mail import mails

FILE_NAME = "gmail_messages.jsonl"


def write(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    path = out_dir / FILE_NAME
    with path.open("w", encoding="utf-8") as out:
        for mail in mails(tables):
            message = {
                "id": format(mail.gmail_id, "x"),
                "threadId": format(mail.thread_id, "x"),
                "labelIds": ["SENT"] if mail.sent else ["INBOX", "CATEGORY_PERSONAL"],
                "snippet": "",
                "internalDate": str(mail.epoch_ms),
                "payload": {"mimeType": "text/plain",
                            "headers": [{"name": name, "value": value} for name, value in mail.headers()]},
            }
            out.write(json.dumps(message) + "\n")
    return [path]
