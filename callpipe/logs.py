"""Logging set-up: one JSON object per line (or plain text for humans).

Every record may carry structured context through ``extra={"fields": {...}}``;
the formatter merges it into the JSON object. Callers pass already-masked
values (see callpipe.privacy): the formatter does not guess what is personal,
but it does scrub email addresses from messages as a last line of defence.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from callpipe.privacy import mask_text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": mask_text(record.getMessage()),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exc"] = mask_text(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        base = f"{self.formatTime(record)} {record.levelname:<7} {record.name}: "
        base += mask_text(record.getMessage())
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and fields:
            base += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        if record.exc_info:
            base += "\n" + mask_text(self.formatException(record.exc_info))
        return base


def configure_logging(level: str = "info", fmt: str = "json") -> None:
    """Routes all logging to stderr in the chosen format (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # HTTP clients (the registry client's included) log every request at info.
    for noisy in ("httpx", "httpx2", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def log_fields(**fields: Any) -> dict[str, Any]:
    """``logger.info("...", extra=log_fields(call_ref_id=...))``."""
    return {"fields": fields}
