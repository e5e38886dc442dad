"""Where each balance ladder starts: from balance test findings, else the self-test.

The levels (``short``, ``partial``, ``full``) and each ladder's first rung per level are data
(``[balance_test]`` and ``[balance_ladders]`` of ``stridelab/data/exercises.toml``). A level
comes from, in this order:

1. **the balance findings** (``stridelab balance``, :mod:`stridelab.balance.findings`):

   - static ladder: the single-leg stance held with eyes open (finding
     ``single_leg_stance``; the weaker leg) gives the level through the same
     ``balance_test`` edges as the self-test: a runner who holds 30 s starts with eyes
     closed. Single-leg sway above its cut-off (``single_leg_sway_*``) keeps a ``full``
     hold at ``partial``: holding on is not yet holding still;
   - dynamic ladder: the Y-balance findings (``ybalance_*``): every one in its typical band
     gives ``full`` (the single-leg reach), any flagged one ``partial``; without a Y-balance
     test the dynamic ladder follows the static level;

2. **the self-test** (``single_leg_stance_s``, questionnaire or ``--single-leg-stance-s``),
   where no recording exists;
3. the library's default level.

A retest gives new findings and so a new start: the ladders move on with the runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stridelab.assess.model import Finding
from stridelab.balance.findings import SINGLE_LEG_KEY, SWAY_KEYS, YBALANCE_KEYS, short_source
from stridelab.program.library import ExerciseLibrary, balance_level

ORDER = ("short", "partial", "full")
"""The levels from easiest start to hardest (the library's ``balance_test`` level names)."""


@dataclass(frozen=True)
class BalanceStart:
    """A ladder's starting level and where it comes from.

    Attributes
    ----------
    level
        A ``balance_test`` level name.
    origin
        ``"findings"``, ``"self-test"`` or ``"default"``.
    because
        Why, in words (shown in the program's notes).
    """

    level: str
    origin: str
    because: str


def _lower(level: str) -> str:
    return ORDER[max(0, ORDER.index(level) - 1)] if level in ORDER else level


def _words(lib: ExerciseLibrary, level: str) -> str:
    return next((lv.get("words", level) for lv in lib.balance_test.get("levels", [])
                 if lv["name"] == level), level)


def _static_from_findings(lib: ExerciseLibrary,
                          findings: Sequence[Finding]) -> BalanceStart | None:
    holds = [f for f in findings if f.key == SINGLE_LEG_KEY and f.value is not None]
    if not holds:
        return None
    weaker = min(holds, key=lambda f: f.value)
    level = balance_level(lib, weaker.value)
    side = f" ({weaker.side})" if weaker.side and len(holds) > 1 else ""
    because = (f"single-leg stance held {weaker.value:.1f} s on the force plate{side} "
               f"({_words(lib, level)}; {lib.balance_test.get('source', '')})")
    sway = [f for f in findings if f.key in SWAY_KEYS and f.severity != "ok"]
    if sway and level == ORDER[-1]:
        level = _lower(level)
        because += (f", but the sway on one leg is {sway[0].band} ({sway[0].value:.0f} "
                    f"{sway[0].unit}; {short_source(sway[0].source)}): one level lower")
    return BalanceStart(level, "findings", because)


def _dynamic_from_findings(findings: Sequence[Finding]) -> BalanceStart | None:
    yb = [f for f in findings if f.key in YBALANCE_KEYS]
    if not yb:
        return None
    flagged = [f for f in yb if f.severity != "ok"]
    if flagged:
        what = "; ".join(f"{f.title.removeprefix('Y-balance ')} {f.value:.1f} {f.unit} "
                         f"({f.band}{', ' + f.side if f.side else ''})" for f in flagged)
        return BalanceStart("partial", "findings", f"Y-balance test: {what}")
    return BalanceStart("full", "findings", "Y-balance test within its bands (Plisky 2006)")


def balance_starts(lib: ExerciseLibrary, findings: Sequence[Finding],
                   self_test_s: float | None) -> dict[str, BalanceStart]:
    """The starting level of each balance ladder of ``lib`` (see the module doc).

    Parameters
    ----------
    lib
        The exercise library (its ladders and ``balance_test`` levels).
    findings
        All findings given to the program (balance ones among them), any severity.
    self_test_s
        The single-leg stance self-test, seconds, or ``None``.
    """
    static = _static_from_findings(lib, findings)
    if static is None and self_test_s is not None:
        level = balance_level(lib, self_test_s)
        static = BalanceStart(level, "self-test", f"single-leg stance self-test: "
                              f"{self_test_s:g} s ({_words(lib, level)}; "
                              f"{lib.balance_test.get('source', '')})")
    if static is None:
        static = BalanceStart(balance_level(lib, None), "default", "no balance test given")
    dynamic = _dynamic_from_findings(findings) or static
    return {name: (dynamic if name == "dynamic" else static) for name in lib.ladders}
