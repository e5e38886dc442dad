"""stridelab.gait."""

EVENT_SOURCES = ("auto", "forceplate", "kinematic")
"""Where the gait engine takes contact events from (``auto``: force plate when present)."""
