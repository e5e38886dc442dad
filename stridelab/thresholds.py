"""The single table of thresholds, each with its source and evidence grade.

Every number the product compares a measurement against lives in
``stridelab/data/thresholds.csv`` with the columns ``key, value, unit, source, evidence,
description``. Code asks for a threshold by key; a missing key is a bug and raises ``KeyError``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

EVIDENCE_GRADES = ("strong", "moderate", "limited", "expert opinion", "derived", "contested")


@dataclass(frozen=True)
class Threshold:
    """One row of the threshold table."""

    key: str
    value: float
    unit: str
    source: str
    evidence: str
    description: str


@lru_cache(maxsize=1)
def load_thresholds() -> dict[str, Threshold]:
    """Read the packaged threshold table.

    Returns
    -------
    dict
        Thresholds by key.
    """
    text = resources.files("stridelab.data").joinpath("thresholds.csv").read_text("utf-8")
    table: dict[str, Threshold] = {}
    for row in csv.DictReader(text.splitlines()):
        table[row["key"]] = Threshold(
            key=row["key"],
            value=float(row["value"]),
            unit=row["unit"],
            source=row["source"],
            evidence=row["evidence"],
            description=row["description"],
        )
    return table


def threshold(key: str) -> float:
    """Return the value of one threshold by key.

    Parameters
    ----------
    key
        Dotted key, e.g. ``"gait.forceplate.contact_threshold"``.
    """
    return load_thresholds()[key].value


def given_or_default(value: float | None, key: str) -> float:
    """``value`` when given (``0`` included), else the threshold ``key``'s value.

    Parameters
    ----------
    value
        A parameter as passed, ``None`` when left out.
    key
        Its default's dotted key in ``thresholds.csv``.
    """
    return threshold(key) if value is None else value
