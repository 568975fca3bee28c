"""Source connectors: how transcripts enter calls.transcript-saved.

Three sources share one producer and one validation (see docs/sources.md):

- `publish_files`  files or folders named on the command line (``callpipe publish``);
- `IngestServer`  ``POST /v1/transcripts`` for the telephony agent (``callpipe
  ingest``; ``running(IngestServer(...))`` of ``aiohttp_site`` in tests), behind
  bearer tokens (`BearerKeys`);
- `FolderWatcher`  the legacy ``data/transcripts`` folder (``callpipe watch``).
"""

from callpipe.connectors.sources.acks import AsyncDelivery
from callpipe.connectors.sources.batch import FileProblem, PublishReport, publish_files
from callpipe.connectors.sources.bearer import (
    Access,
    BearerKeys,
    is_loopback,
    require_keys_off_loopback,
)
from callpipe.connectors.sources.errors import (
    RecordTooLarge,
    SourceError,
    SourceFileError,
    SourceUnavailable,
    UnprotectedIngest,
)
from callpipe.connectors.sources.files import find_transcript_files, load_transcript
from callpipe.connectors.sources.filing import free_name, move_into, reason_path, reject_into
from callpipe.connectors.sources.folder_watcher import FolderWatcher, RoundReport, is_candidate
from callpipe.connectors.sources.http_ingest import (
    HEALTH_PATH,
    INGEST_PATH,
    MAX_BODY_BYTES,
    IngestApp,
    IngestServer,
)
from callpipe.connectors.sources.progress import Progress
from callpipe.connectors.sources.sink import TranscriptSink, open_producer, submit

__all__ = [
    "HEALTH_PATH",
    "INGEST_PATH",
    "MAX_BODY_BYTES",
    "Access",
    "AsyncDelivery",
    "BearerKeys",
    "FileProblem",
    "FolderWatcher",
    "IngestApp",
    "IngestServer",
    "Progress",
    "PublishReport",
    "RecordTooLarge",
    "RoundReport",
    "SourceError",
    "SourceFileError",
    "SourceUnavailable",
    "TranscriptSink",
    "UnprotectedIngest",
    "find_transcript_files",
    "free_name",
    "is_candidate",
    "is_loopback",
    "load_transcript",
    "move_into",
    "open_producer",
    "publish_files",
    "reason_path",
    "reject_into",
    "require_keys_off_loopback",
    "submit",
]
