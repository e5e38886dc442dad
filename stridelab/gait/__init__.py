"""stridelab.gait: contact events, strides, phases and the gait summary.

The event detectors (all :class:`~stridelab.gait.base.EventDetector`) are importable from
here: :class:`ForcePlateEventDetection`, :class:`FootClearanceEventDetection` and
:class:`KeypointEventDetection`; they are loaded on first use.
"""

from __future__ import annotations

from importlib import import_module

EVENT_SOURCES = ("auto", "forceplate", "kinematic")
"""Where the gait engine takes contact events from (``auto``: force plate when present)."""

_LAZY = {
    "EventDetector": "stridelab.gait.base",
    "ForcePlateEventDetection": "stridelab.gait.forceplate",
    "FootClearanceEventDetection": "stridelab.gait.foot_clearance",
    "KeypointEventDetection": "stridelab.gait.keypoint_events",
}


def __getattr__(name: str):
    """Import the event detectors on first use (``import stridelab.gait`` stays light)."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EVENT_SOURCES", *_LAZY]
