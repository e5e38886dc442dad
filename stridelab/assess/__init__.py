"""stridelab.assess: evidence-graded findings from any ``summary.json``.

>>> from stridelab.assess import Assessment
>>> result = Assessment().assess({"schema": "stridelab.summary/1", "activity": "running",
...                               "metrics": {"cadence_spm": {"mean": 150.0}}})
>>> [(f.key, f.band, f.evidence) for f in result.findings_]
[('cadence', 'low', 'derived')]

Band edges live in ``stridelab/data/thresholds.csv`` (``assess.*`` rows, each with its source
and evidence grade); :mod:`stridelab.assess.rules` maps them to bands and words;
:mod:`stridelab.assess.watch` builds a summary from a watch file.
"""

from stridelab.assess.engine import Assessment, assess_summary
from stridelab.assess.model import FINDINGS_SCHEMA, SEVERITIES, TARGETS, Finding, findings_document

__all__ = [
    "FINDINGS_SCHEMA",
    "SEVERITIES",
    "TARGETS",
    "Assessment",
    "Finding",
    "assess_summary",
    "findings_document",
]
