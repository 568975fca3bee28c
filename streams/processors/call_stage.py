"""What the two call stages (extraction, analysis) share.

Both run the analysis engine, so both hold its config and the zone its
times are written in; both dead-letter to calls.dead-letter; and neither
holds a connection of its own to open or close (the extraction stage's LLM
extractor is closed by that stage).
"""

from __future__ import annotations

from datetime import tzinfo

from callpipe.analysis.config import AnalysisConfig
from callpipe.connectors.registry import SerdeFactory
from callpipe.streams.deadletter import DeadLetterWriter
from callpipe.streams.observer import NullStageObserver, StageObserver
from callpipe.topics import CALLS_DEAD_LETTER


class CallStage:
    """The base of ExtractionProcessor and AnalysisProcessor; each names its ``stage``."""

    stage: str

    def __init__(
        self,
        serdes: SerdeFactory,
        config: AnalysisConfig,
        tz: tzinfo,
        observer: StageObserver | None,
    ) -> None:
        self.observer = observer or NullStageObserver()
        self.dead_letters = DeadLetterWriter(self.stage, CALLS_DEAD_LETTER, serdes, self.observer)
        self._config = config
        self._tz = tz

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None
