"""`callpipe status` as text: one screen, widest facts first (pure, no Kafka)."""

from __future__ import annotations

from callpipe.connectors.kafka.lag import PartitionLag
from callpipe.connectors.kafka.status import PipelineStatus, StageStatus


def duration(seconds: float) -> str:
    """A short age: 45s, 3m 07s, 2h 05m, 3d 04h."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    if whole < 86_400:
        return f"{whole // 3600}h {whole % 3600 // 60:02d}m"
    return f"{whole // 86_400}d {whole % 86_400 // 3600:02d}h"


def _members(stage: StageStatus) -> str:
    if not stage.members:
        return "0 (stopped)"
    return str(len(stage.members))


def _partition(p: PartitionLag) -> str:
    committed = "-" if p.committed is None else str(p.committed)
    return f"{p.partition}: {committed}/{p.end} lag {p.lag}"


def render(status: PipelineStatus, bootstrap: str) -> str:
    rows = [("stage", "workers", "lag", "oldest waiting", "group", "state")]
    for stage in status.stages:
        oldest = "-" if stage.oldest_waiting_s is None else duration(stage.oldest_waiting_s)
        rows.append(
            (
                stage.stage,
                _members(stage),
                str(stage.lag),
                oldest,
                stage.source.group,
                stage.state,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [f"Kafka {bootstrap}", ""]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines += ["", "partitions (committed/end):"]
    for stage in status.stages:
        parts = ", ".join(_partition(p) for p in stage.partitions)
        lines.append(f"  {stage.stage} ({stage.source.topic}): {parts}")
    lines += ["", "workers:"]
    for stage in status.stages:
        for member in stage.members:
            held = ",".join(str(p) for p in member.partitions) or "none"
            lines.append(f"  {stage.stage}: {member.client_id} on {member.host}, partitions {held}")
        if not stage.members:
            lines.append(f"  {stage.stage}: none running")
    letters = ", ".join(f"{topic} {count}" for topic, count in status.dead_letters.items())
    lines += ["", f"dead letters: {letters}"]
    return "\n".join(lines)
