"""The report stage: one self-contained ``report.html`` (and PDF) from a results folder.

``write_report`` writes the page from results in memory (what ``stridelab analyze`` holds);
``report_folder`` reads a results folder first; ``write_pdf`` prints a report with headless
Chromium. They are imported lazily so that importing the package stays light.
"""

from __future__ import annotations

from importlib import import_module

_EXPORTS = {"write_report": "build", "report_folder": "build", "load_results": "results_folder",
            "write_pdf": "browser", "find_chromium": "browser"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"stridelab.report.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'stridelab.report' has no attribute {name!r}")
