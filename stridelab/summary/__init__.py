"""The results contract every input ends in, and the one place that builds it.

:class:`Summary` and :class:`MetricStats` (:mod:`stridelab.summary.model`) are what
``summary.json`` holds; :mod:`stridelab.summary.build` builds them from a per-stride table or a
watch file, with :func:`metric_stats` computing every metric's statistics.
"""

from stridelab.summary.model import (
    METRIC_UNITS,
    REAR_ONLY,
    SCHEMA,
    SIDE_ONLY,
    MetricStats,
    Summary,
    json_schema,
)
from stridelab.summary.stats import metric_stats

__all__ = ["METRIC_UNITS", "REAR_ONLY", "SCHEMA", "SIDE_ONLY", "MetricStats", "Summary",
           "json_schema", "metric_stats"]
