"""Fixtures of the reader tests (the helpers live in ``reader_contract``)."""

from reader_contract import no_children_left  # noqa: F401 (a fixture)
