"""Import activity files into the training log, one file per transaction.

A bad file is recorded as rejected with its reason and the import goes on; a file whose
content (SHA-256) is already stored is skipped, so re-importing changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stridelab.errors import InputFileError
from stridelab.io.activity import Activity, SourceFile, iter_sources, read_activity
from stridelab.io.isolate import decoder_session
from stridelab.load.totals import activity_totals
from stridelab.store.db import ActivityStore
from stridelab.summary.build import watch_summary

IMPORTED, PRESENT, REJECTED = "imported", "already present", "rejected"


@dataclass
class ImportOutcome:
    """What happened to one file."""

    name: str
    status: str
    activity_id: int | None = None
    sport: str | None = None
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


def import_source(store: ActivityStore, source: SourceFile) -> ImportOutcome:
    """Import one file; problems with the file become a rejected outcome, not an exception.

    Parameters
    ----------
    store
        The open training log.
    source
        The file (from :func:`stridelab.io.activity.iter_sources`).
    """
    if source.error:
        return ImportOutcome(source.name, REJECTED, reason=source.error)
    try:
        data = source.read()
        sha256 = hashlib.sha256(data).hexdigest()
        existing = store.find_hash(sha256)
        if existing is not None:
            return ImportOutcome(source.name, PRESENT, activity_id=existing)
        activity, totals, summary = _decode(data, source)
    except InputFileError as exc:
        return ImportOutcome(source.name, REJECTED, reason=exc.problem)
    stored = store.add(activity, sha256, totals, summary)
    return ImportOutcome(source.name, IMPORTED, activity_id=stored.id, sport=stored.sport,
                         warnings=stored.warnings)


def _decode(data: bytes, source: SourceFile) -> tuple[Activity, dict, dict]:
    """The activity, its totals and its summary; whatever fails there is the file's problem.

    Damaged content can still surprise a step after the reader (a zero mean, a date out of
    range): that file is rejected with the error's name, and the import goes on.

    Raises
    ------
    InputFileError
        For any failure of the file, the decoders' own included.
    """
    try:
        activity = read_activity(data, source.name, source.fmt)
        totals = activity_totals(activity)
        summary = watch_summary(activity, file=source.name).to_dict()
    except InputFileError:
        raise
    except Exception as exc:
        text = " ".join(str(exc).split())[:200]
        raise InputFileError(source.name, f"unreadable content ({type(exc).__name__}: {text})"
                             ) from exc
    return activity, totals, summary


def import_paths(
    store: ActivityStore,
    paths: Iterable[str | Path],
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[ImportOutcome], None] | None = None,
) -> list[ImportOutcome]:
    """Import every activity file found under ``paths``.

    Parameters
    ----------
    store
        The open training log.
    paths
        Files, folders and zip archives.
    on_start
        Called once with the number of files found (for a progress bar).
    on_file
        Called after each file with its outcome; an exception raised there (or a crash)
        stops the import, and every file finished before it stays stored.
    """
    sources = list(iter_sources(paths))
    if on_start is not None:
        on_start(len(sources))
    outcomes = []
    with decoder_session():  # one decoder process for all the files, replaced after a crash
        for source in sources:
            outcome = import_source(store, source)
            outcomes.append(outcome)
            if on_file is not None:
                on_file(outcome)
    return outcomes
