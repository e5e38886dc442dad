"""Write the analysis results: ``strides.csv`` and ``summary.json``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from stridelab import __version__

SCHEMA = "stridelab.summary/1"


def _json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _json_safe(value.item())
    return value


def write_results(out_dir: str | Path, strides: pd.DataFrame, summary: dict,
                  angles: pd.DataFrame | None = None) -> dict[str, Path]:
    """Write ``strides.csv``, ``summary.json`` and ``angles.csv`` into ``out_dir``.

    The folder is created if needed; ``angles.csv`` only when angle time series are given.

    ``strides.csv`` holds times in s, durations in ms and phases in % of stride.

    Returns
    -------
    dict
        Paths written, by name.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"strides": out / "strides.csv", "summary": out / "summary.json"}
    strides.to_csv(paths["strides"], index=False, float_format="%.6g")
    doc = {"schema": SCHEMA, "stridelab_version": __version__, **summary}
    paths["summary"].write_text(json.dumps(_json_safe(doc), indent=2), encoding="utf-8")
    if angles is not None and len(angles.columns) > 1:
        paths["angles"] = out / "angles.csv"
        angles.to_csv(paths["angles"], index=False, float_format="%.5g")
    return paths
