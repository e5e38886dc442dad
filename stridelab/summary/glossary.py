"""One name for every measure: the glossary every output names a summary key through.

The table is data (``stridelab/data/glossary.toml``): for each key of ``summary.json`` (metrics,
phases, ``foot_strike``, ``contact_time_balance_left_pct``) the name shown to people, a short
explanation and the unit. The finding titles (:mod:`stridelab.assess.rules`), the report's
labels (:func:`stridelab.report.values.label`), the terminal table
(:func:`stridelab.cli.tables.summary_table`) and the warnings of the summary and the pipeline
(:func:`symmetry_warnings`) all read it, so one measure never carries two names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import tomllib


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    Attributes
    ----------
    key
        The summary key (``contact_time_ms``).
    name
        The name shown to people (``Ground contact time``).
    explanation
        One sentence saying what the measure is.
    unit
        The unit of its values (``""`` for none).
    """

    key: str
    name: str
    explanation: str
    unit: str


@lru_cache(maxsize=1)
def load_glossary() -> dict[str, Term]:
    """Read the packaged glossary.

    Returns
    -------
    dict
        :class:`Term` by key, in the file's order.
    """
    text = resources.files("stridelab.data").joinpath("glossary.toml").read_text("utf-8")
    return {key: Term(key=key, name=str(entry["name"]),
                      explanation=str(entry["explanation"]), unit=str(entry.get("unit", "")))
            for key, entry in tomllib.loads(text).items()}


def name(key: str) -> str:
    """The name of a summary key (``contact_time_ms`` -> ``Ground contact time``).

    Parameters
    ----------
    key
        A metric, phase or block key of ``summary.json``.

    Raises
    ------
    KeyError
        When the glossary has no entry for ``key`` (a bug: every key is listed).
    """
    try:
        return load_glossary()[key].name
    except KeyError:
        raise KeyError(f"{key!r} is missing from stridelab/data/glossary.toml") from None


def name_or_key(key: str) -> str:
    """The glossary name of ``key``; for a key outside the glossary, its words capitalised."""
    term = load_glossary().get(key)
    return term.name if term else key.replace("_", " ").capitalize()


def lower_name(key: str) -> str:
    """The name inside a sentence: first letter lower case unless it is an acronym."""
    text = name(key)
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def asymmetry_title(key: str) -> str:
    """Title of the left/right comparison of a metric (``Left/right difference in ...``)."""
    return f"Left/right difference in {lower_name(key)}"


def symmetry_warnings(indices: Mapping[str, float | None], flag_pct: float,
                      one_side_view: bool = False) -> list[str]:
    """A warning for each symmetry index beyond ``flag_pct``, naming the measure.

    Parameters
    ----------
    indices
        Robinson's symmetry index (percent) by metric key (``summary.symmetry_index_pct``).
    flag_pct
        The line beyond which a warning is given (``gait.symmetry.index_flag_pct``).
    one_side_view
        A single side view, where the far leg is partly hidden: the warning says the index is
        not to be read as the runner's asymmetry.

    Returns
    -------
    list of str
        ``"left/right difference in ground contact time: symmetry index +17.1 %"``, in the
        order of ``indices``.
    """
    tail = (" (one side view, the far leg partly hidden: not to be read as the runner's "
            "asymmetry)") if one_side_view else ""
    return [f"left/right difference in {lower_name(key)}: symmetry index {si:+.1f} %{tail}"
            for key, si in indices.items() if si is not None and abs(si) > flag_pct]

