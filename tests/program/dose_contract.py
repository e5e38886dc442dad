"""The dose contract: an item's words say when and how it progresses, and the log does that.

Shared by ``test_dose_rules.py`` and ``test_program_properties.py``.
"""

from __future__ import annotations

import re

from stridelab.program.constraints import Constraints
from stridelab.program.dose import kind_of
from stridelab.program.library import load_library
from stridelab.program.overload import (
    HARDER,
    HOLD,
    INCREASE,
    MORE,
    STRONGER_BAND,
    OverloadRule,
    Performance,
)

LIB = load_library()
MARK = re.compile(r"When every (?:set|hold) reaches (\d+)")


def check_words_match_the_log(ex_id: str, target: int, words: str, sets: int,
                              limits: Constraints) -> str:
    """Log the mark the words give (and one below it) with the rule ``log`` applies.

    Also a second miss in a row: the easier variant it may offer fits the limits. Returns the
    exercise's kind.
    """
    ex = LIB[ex_id]
    kind = kind_of(ex)
    loaded = kind == "loaded"

    def log(reps: int, load: float = 60.0, again: bool = False):  # 60 kg: 2-10 % steps
        done = Performance(ex_id, (reps,) * sets, ((load if loaded else None),) * sets,
                           target)
        return OverloadRule(limits=limits).progress(done, done if again else None).next_

    back = log(0, again=True)  # a second miss in a row: the substitute must fit the limits too
    assert limits.allows(LIB[back.exercise_id]) or back.exercise_id == ex_id, (ex_id, back)

    if kind == "warm-up":
        assert "not progressed" in words
        assert log(target * 2).action == HOLD
        return kind
    at = int(MARK.search(words).group(1))
    rx = log(at)
    if "% load" in words:
        assert rx.action == INCREASE, (ex_id, words, rx)
        assert re.search(r"build the (reps|distance) first", words)  # a coarse load step
        assert log(at, load=8.0).action in (INCREASE, MORE)
    elif "stronger band" in words:
        assert rx.action == STRONGER_BAND, (ex_id, words, rx)
    elif "move on to" in words:
        assert rx.action == HARDER and f"move on to {rx.name}." in words, (ex_id, words, rx)
        assert limits.allows(LIB[rx.exercise_id])
    else:
        aim = int(re.search(r"aim for (\d+)", words).group(1))
        assert (rx.action, rx.target_reps) == (MORE, aim), (ex_id, words, rx)
    below = log(at - 1)
    assert below.action not in (INCREASE, STRONGER_BAND, HARDER, MORE), (ex_id, words, below)
    return kind
