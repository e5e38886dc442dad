"""stridelab: running gait analysis, evidence-graded findings and strength & balance programs.

The public surface::

    import stridelab
    result = stridelab.analyze("run.c3d")      # or a video, an OpenPose folder, a Recording
    result.strides, result.summary.to_dict(), result.findings
    result.save("results/")
    rec = stridelab.Recording.from_dataframe(df, sampling_rate_hz=150.0, markerset="fukuchi")

The package is laid out as the data flows (see ``README.md``)::

    io -> summary -> pose -> gait -> kinematics -> load -> assess -> program -> report
       -> pipeline -> cli

Each stage only imports from stages before it. The names above are imported on first use, so
``import stridelab`` stays light (worker processes import it too).
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_LAZY = {
    "analyze": "stridelab.pipeline",
    "analyze_session": "stridelab.pipeline",
    "AnalysisResult": "stridelab.pipeline",
    "SessionResult": "stridelab.pipeline",
    "Pipeline": "stridelab.pipeline",
    "PRESETS": "stridelab.pipeline",
    "Recording": "stridelab.io.recording",
    "Summary": "stridelab.summary",
    "MetricStats": "stridelab.summary",
    "Finding": "stridelab.assess.model",
    "Assessment": "stridelab.assess",
    "InputFileError": "stridelab.errors",
    "StridelabError": "stridelab.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    """Import the public names on first use."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stridelab' has no attribute {name!r}")
