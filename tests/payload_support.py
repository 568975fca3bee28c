"""Valid webhook payloads for tests: the contract's own examples, read from examples/.

A test that needs "a valid payload" takes one of the four the contract ships
instead of keeping a copy of it, so the contract's shape is written down once and
a change of the contract reaches every test at the same time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"  # the contract's four, as shipped
PARTIAL_DROPOFF = "02-partial-dropoff-english"  # the caller hung up before the email
REQUESTED_DEALER = "03-requested-dealer-hindi"  # routed to a dealer on request


def example_payload(name: str, call_ref_id: str | None = None) -> dict[str, Any]:
    """A fresh copy of one example's payload (``name`` without ``.payload.json``); with
    ``call_ref_id``, made that call's: the id follows it, as the contract requires."""
    path = EXAMPLES / f"{name}.payload.json"
    payload: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if call_ref_id is not None:
        payload.update(id=f"bot_{call_ref_id}", call_ref_id=call_ref_id)
    return payload
