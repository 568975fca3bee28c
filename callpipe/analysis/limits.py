"""What a transcript may hold: the bounds the contract leaves open.

A transcript is untrusted input, and its values travel far: `call_ref_id`
becomes a Kafka key, an HTTP header (`Idempotency-Key`), part of the payload
id and a file name; times are formatted into the payload; the whole record
must fit in one Kafka message with its extraction beside it. So
`parse_transcript` refuses, naming the field, anything outside these bounds
(docs/pipeline.md lists them for the telephony side).
"""

from __future__ import annotations

import re
from typing import Final

CALL_REF_ID_MAX_CHARS: Final = 128
CALL_REF_ID_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
"""Letters, digits and ``. _ : -``, starting with a letter or digit: safe as a
Kafka key, an HTTP header value and a file name."""
CALL_REF_ID_RULE: Final = "letters, digits and . _ : - (starting with a letter or digit)"

CALL_VENDOR_MAX_CHARS: Final = 100
RECORDING_URL_MAX_CHARS: Final = 4096

MIN_YEAR: Final = 2000
MAX_YEAR: Final = 2100
"""Times outside these years are typos or garbage, and year 9999 overflows
when converted to the output time zone."""

MAX_MESSAGES: Final = 5000
"""A 2-hour call has about 1,500 utterances."""
MAX_MESSAGE_CHARS: Final = 20_000
MAX_TOTAL_TEXT_CHARS: Final = 200_000
"""All messages' text together: with its extraction the record stays well
under Kafka's 1 MB message limit, even in 3-byte scripts."""

MAX_JSON_DEPTH: Final = 32
"""Nesting of the JSON document (the contract's own fields need 3; extra
fields such as ``metadata`` may nest, but not without bound)."""
