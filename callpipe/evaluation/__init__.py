"""Evaluating the engine on a labelled corpus (`callpipe eval`).

A corpus is a folder of calls, each a ``<id>.transcript.json`` (contract
section 1) and a ``<id>.truth.json`` (what a careful human would type into
the CRM). Modules, one job each: `truth` (reading a truth file, pure),
`corpus` (finding and reading the pairs: the only I/O), `scoring` (payload
against truth, pure), `report` (text and JSON for people and machines, pure).
"""

from callpipe.evaluation.corpus import CorpusError, LabelledCall, read_corpus
from callpipe.evaluation.report import report_dict, report_lines, summary_line
from callpipe.evaluation.scoring import (
    CALL_FIELDS,
    VALUE_FIELDS,
    CallResult,
    EvalReport,
    FieldResult,
    FieldTally,
    score_call,
    summarize,
    threshold_violations,
)
from callpipe.evaluation.truth import Truth, TruthError, read_truth

__all__ = [
    "CALL_FIELDS",
    "VALUE_FIELDS",
    "CallResult",
    "CorpusError",
    "EvalReport",
    "FieldResult",
    "FieldTally",
    "LabelledCall",
    "Truth",
    "TruthError",
    "read_corpus",
    "read_truth",
    "report_dict",
    "report_lines",
    "score_call",
    "summarize",
    "summary_line",
    "threshold_violations",
]
