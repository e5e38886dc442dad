"""The weights the program generator ranks exercises by: ``stridelab/data/program_weights.csv``.

Each row has the columns of ``thresholds.csv`` (``key, value, unit, source, evidence,
description``). The score of a candidate exercise is the priority of the targets it trains and
no exercise chosen so far covers (priorities by severity: rows ``program.priority.*`` of
``thresholds.csv``), plus the bonuses, minus the penalties of :class:`ScoreWeights`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

WEIGHTS_FILE = "program_weights.csv"


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the exercise score (rows ``score.*`` of ``program_weights.csv``).

    Attributes
    ----------
    compound_bonus
        Added for a compound (multi-joint) exercise.
    external_load_bonus
        Added for an externally loaded exercise, except for novices.
    difficulty_distance
        Subtracted per difficulty level away from the level wanted.
    repeat_penalty
        Subtracted for an exercise another session already uses.
    """

    compound_bonus: float
    external_load_bonus: float
    difficulty_distance: float
    repeat_penalty: float


@lru_cache(maxsize=1)
def load_weights() -> ScoreWeights:
    """Read the packaged weights once.

    Returns
    -------
    ScoreWeights
        The weights; a missing row raises ``KeyError`` (a packaging bug).
    """
    text = resources.files("stridelab.data").joinpath(WEIGHTS_FILE).read_text("utf-8")
    values = {row["key"]: float(row["value"]) for row in csv.DictReader(text.splitlines())}
    return ScoreWeights(**{name: values[f"score.{name}"]
                           for name in ScoreWeights.__dataclass_fields__})
