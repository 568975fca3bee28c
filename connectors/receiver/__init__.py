"""A reference SingleInterface webhook receiver (aiohttp + SQLite).

Customers may start from it; callpipe's demo, tests and benchmark use it::

    async with running_receiver("receiver.sqlite3", faults=FaultPlan()) as base_url:
        ...  # POST to base_url + WEBHOOK_PATH

See docs/delivery.md for the API and the fault plan.
"""

from callpipe.connectors.receiver.app import FAULTS_PATH, WEBHOOK_PATH, Counters, Receiver
from callpipe.connectors.receiver.errors import FaultPlanError, ReceiverError, StoreError
from callpipe.connectors.receiver.faults import FaultAction, FaultPlan, FaultStep, parse_steps
from callpipe.connectors.receiver.server import ReceiverServer, running_receiver
from callpipe.connectors.receiver.signatures import SignatureCheck
from callpipe.connectors.receiver.store import PayloadStore, PutResult, StoredPayload
from callpipe.connectors.receiver.validation import Problem, is_payload_time, problems

__all__ = [
    "FAULTS_PATH",
    "WEBHOOK_PATH",
    "Counters",
    "FaultAction",
    "FaultPlan",
    "FaultPlanError",
    "FaultStep",
    "PayloadStore",
    "Problem",
    "PutResult",
    "Receiver",
    "ReceiverError",
    "ReceiverServer",
    "SignatureCheck",
    "StoreError",
    "StoredPayload",
    "is_payload_time",
    "parse_steps",
    "problems",
    "running_receiver",
]
