"""Numbers as people read them: one formatting for the findings, the report and the terminal.

:func:`format_fixed` is the one implementation; the stages differ only in their digits per unit
and in how they write a missing value or a minus sign:

- findings texts (:func:`format_number`, :func:`format_value`): digits from
  :data:`FINDING_DIGITS`, a ``fraction`` shown as a percentage, never ``-0``;
- the report (``stridelab.report.values.fmt``): an en dash for a missing value and a true minus
  sign;
- the terminal tables (``stridelab.cli.tables``): plain ASCII.

This module is the bottom layer: every stage may import it, it imports no stage.
"""

from __future__ import annotations

import math

DASH = "\u2013"
"""What the report shows for a missing value."""
MINUS = "\u2212"
"""Typographic minus sign (the report's)."""

FINDING_DIGITS: dict[str, int] = {"deg": 1, "cm": 1, "ms": 0, "steps/min": 0, "ratio": 2,
                                  "fraction": 0, "%": 0}
"""Decimals of a value in a findings text, by unit (other units: 3 significant digits)."""
SIGNED_PERCENT_DIGITS = 1
"""Decimals of a signed percentage (a symmetry index) in a findings text."""
FINDING_SUFFIX: dict[str, str] = {"ratio": "", "fraction": "%"}
"""Unit written after a value in a findings text, where it is not the unit itself."""


def finite(value) -> bool:
    """True for a real, finite number (not ``None``, not a bool, not NaN).

    Parameters
    ----------
    value
        Anything.
    """
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(
        value)


def format_fixed(value, digits: int, *, signed: bool = False, missing: str = DASH,
                 minus: str = "-", plain_zero: bool = False) -> str:
    """Format a number with a fixed number of decimals.

    Parameters
    ----------
    value
        The number; anything that is not a finite number gives ``missing``.
    digits
        Decimals.
    signed
        Show a ``+`` for positive values.
    missing
        Text for a missing value.
    minus
        Character written for the minus sign.
    plain_zero
        Write a value that rounds to zero as ``0`` (never ``-0.0``).
    """
    if not finite(value):
        return missing
    if plain_zero and round(value, digits) == 0:
        value = 0.0
    text = f"{value:{'+' if signed else ''}.{digits}f}"
    return text if minus == "-" else text.replace("-", minus)


def format_number(value: float, unit: str, signed: bool = False) -> str:
    """Format a value's number the way findings show it (no unit; ``fraction`` as percent).

    Parameters
    ----------
    value
        The number.
    unit
        ``deg``, ``ms``, ``steps/min``, ``cm``, ``%``, ``ratio``, ``fraction`` or other.
    signed
        Show a ``+`` for positive values.
    """
    if unit == "fraction":
        value = 100 * value
    digits = SIGNED_PERCENT_DIGITS if unit == "%" and signed else FINDING_DIGITS.get(unit)
    if digits is None:
        return f"{value:{'+' if signed else ''}.3g}"
    return format_fixed(value, digits, signed=signed, plain_zero=True)


def format_value(value: float, unit: str, signed: bool = False) -> str:
    """Format a value with its unit the way findings show it (``"244 ms"``, ``"35 %"``).

    Parameters
    ----------
    value
        The number.
    unit
        ``deg``, ``ms``, ``steps/min``, ``cm``, ``%``, ``ratio``, ``fraction`` or other.
    signed
        Show a ``+`` for positive values.
    """
    number = format_number(value, unit, signed)
    return f"{number} {FINDING_SUFFIX.get(unit, unit)}".strip()
