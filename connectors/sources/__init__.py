"""Source connectors: how transcripts enter calls.transcript-saved.

Three sources share one producer and one validation (see docs/sources.md):

- `publish_files`  files or folders named on the command line (``callpipe publish``);
- `running_ingest` / `IngestServer`  ``POST /v1/transcripts`` for the telephony
  agent (``callpipe ingest``);
- `FolderWatcher`  the legacy ``data/transcripts`` folder (``callpipe watch``).
"""

from connectors.sources.acks import AsyncDelivery
from connectors.sources.batch import FileProblem, PublishReport, publish_files
from connectors.sources.errors import (
    RecordTooLarge,
    SourceError,
    SourceFileError,
    SourceUnavailable,
)
from connectors.sources.files import find_transcript_files, load_transcript
from connectors.sources.filing import free_name, move_into, reason_path, reject_into
from connectors.sources.folder_watcher import FolderWatcher, RoundReport, is_candidate
from connectors.sources.http_ingest import (
    HEALTH_PATH,
    INGEST_PATH,
    MAX_BODY_BYTES,
    IngestApp,
    IngestServer,
    running_ingest,
    serve,
)
from connectors.sources.progress import Progress
from connectors.sources.sink import TranscriptSink, open_producer, submit

__all__ = [
    "HEALTH_PATH",
    "INGEST_PATH",
    "MAX_BODY_BYTES",
    "AsyncDelivery",
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
    "find_transcript_files",
    "free_name",
    "is_candidate",
    "load_transcript",
    "move_into",
    "open_producer",
    "publish_files",
    "reason_path",
    "reject_into",
    "running_ingest",
    "serve",
    "submit",
]
