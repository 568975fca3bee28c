"""The reference receiver's own errors::

ReceiverError
 ├── StoreError          SQLite could not store or read payloads
 └── FaultPlanError      a fault plan (constructor or POST /_faults) is malformed
"""

from __future__ import annotations


class ReceiverError(Exception):
    """Root of every error raised by ``callpipe.connectors.receiver``."""


class StoreError(ReceiverError):
    """The payload store failed (disk full, locked database, closed store)."""


class FaultPlanError(ReceiverError, ValueError):
    """A fault plan does not have the documented shape."""
