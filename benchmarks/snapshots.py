"""Record, or compare against, stridelab's outputs on every shared recording.

The analysis outputs (``strides.csv``, ``summary.json``, ``findings.json``, ``program.json``
and ``angles.csv``) and the assessment of watch files are the product's contract: a
refactoring must leave them as they were. This script runs the command line on each case of
:data:`CASES` and keeps the files, with the parts that name the machine (paths, version)
removed; ``--compare`` runs them again and lists every difference.

Usage::

    python benchmarks/snapshots.py --write tests/data/snapshots      # record
    python benchmarks/snapshots.py --compare tests/data/snapshots    # check (exit 1: differs)

``tests/test_snapshots.py`` runs the comparison for the fast cases in the test suite.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO.parent / "shared" / "data"))

# name -> (stridelab command line after the program name; "{src}" is the shared data folder,
# "{out}" the output folder)
CASES: dict[str, list[str]] = {
    "rbds_forceplate": ["analyze", "{src}/mocap/RBDS001runT35.c3d", "--out", "{out}"],
    "rbds_kinematic": ["analyze", "{src}/mocap/RBDS001runT35.c3d", "--events", "kinematic",
                       "--out", "{out}"],
    "ric_cluster": ["analyze", "{src}/mocap/20140515T133244_run.c3d", "--out", "{out}"],
    "openpose_side": ["analyze", "{src}/keypoints/openpose_side", "--capture-fps", "30",
                      "--out", "{out}"],
    "openpose_rear": ["analyze", "{src}/keypoints/openpose_rear", "--capture-fps", "30",
                      "--view", "rear", "--out", "{out}"],
    "treadmill_clip": ["analyze", "{src}/video/treadmill_side_60fps.mp4", "--no-video",
                       "--workers", "1", "--out", "{out}"],
    "overground_clip": ["analyze", "{src}/video/overground_side_30fps_short.mp4", "--no-video",
                        "--workers", "1", "--out", "{out}"],
    "fenix2_assess": ["assess", "{src}/activities/activity-small-fenix2-run.fit",
                      "--json", "{out}/findings.json"],
    "fenix5_assess": ["assess", "{src}/activities/garmin-fenix-5-run.fit",
                      "--json", "{out}/findings.json"],
}
SLOW = {"treadmill_clip", "overground_clip"}
"""Cases that run the pose model (seconds each): left out of the test suite's comparison."""

FILES = ("strides.csv", "summary.json", "findings.json", "program.json", "angles.csv")
VOLATILE = {"file", "stridelab_version", "source_file", "summary", "path", "created", "start",
            "date"}
"""JSON keys whose values name the machine, the version or the day of the run (a program
starts next Monday), not the analysis."""


def _scrub(value):
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in VOLATILE else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, str) and (str(SHARED) in value or tempfile.gettempdir() in value):
        return "<path>"
    return value


def run_case(name: str, out: Path) -> dict[str, str]:
    """Run one case into ``out``; return its output files (scrubbed text) and its messages."""
    out.mkdir(parents=True, exist_ok=True)
    argv = [a.format(src=SHARED, out=out) for a in CASES[name]]
    proc = subprocess.run([sys.executable, "-m", "stridelab", *argv], capture_output=True,
                          text=True, cwd=out, env={**os.environ, "COLUMNS": "200"}, timeout=600)
    files = {"exit_code": str(proc.returncode)}
    if proc.returncode:
        files["error"] = proc.stderr.strip().replace(str(SHARED), "<src>").replace(
            str(out), "<out>")
    for fname in FILES:
        path = out / fname
        if not path.exists():
            continue
        if fname.endswith(".json"):
            doc = _scrub(json.loads(path.read_text(encoding="utf-8")))
            files[fname] = json.dumps(doc, sort_keys=True, ensure_ascii=False,
                                      separators=(",", ":"))
        elif fname == "angles.csv":
            files[fname] = _digest(path)
        else:
            files[fname] = path.read_text(encoding="utf-8")
    return files


def _digest(path: Path) -> str:
    """A CSV of thousands of rows as one row per column: count, mean, min and max."""
    import pandas as pd

    table = pd.read_csv(path)
    lines = ["column,count,mean,min,max"]
    for col in table.columns:
        v = table[col]
        lines.append(f"{col},{v.count()},{v.mean():.6g},{v.min():.6g},{v.max():.6g}")
    return "\n".join(lines) + "\n"


def write(folder: Path, names: list[str]) -> None:
    """Record the cases into ``folder/<case>/``."""
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            files = run_case(name, Path(tmp))
        dest = folder / name
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        for fname, text in files.items():
            (dest / fname).write_text(text, encoding="utf-8")
        print(f"{name}: {', '.join(sorted(files))}")


def _close(a: str, b: str, rel: float) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if math.isnan(x) and math.isnan(y):
        return True
    return math.isclose(x, y, rel_tol=rel, abs_tol=1e-9)


def _diff_json(a, b, where: str, rel: float) -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{where}.{k}: only in the snapshot" for k in a.keys() - b.keys()]
        out += [f"{where}.{k}: new" for k in b.keys() - a.keys()]
        for k in a.keys() & b.keys():
            out += _diff_json(a[k], b[k], f"{where}.{k}", rel)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items, now {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _diff_json(x, y, f"{where}[{i}]", rel)]
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return [] if _close(str(a), str(b), rel) else [f"{where}: {a} -> {b}"]
    return [] if a == b else [f"{where}: {a!r} -> {b!r}"]


def _diff_csv(a: str, b: str, where: str, rel: float) -> list[str]:
    ra, rb = a.splitlines(), b.splitlines()
    if len(ra) != len(rb):
        return [f"{where}: {len(ra)} lines, now {len(rb)}"]
    out = []
    for i, (la, lb) in enumerate(zip(ra, rb, strict=True)):
        ca, cb = la.split(","), lb.split(",")
        if len(ca) != len(cb) or not all(_close(x, y, rel) for x, y in zip(ca, cb, strict=True)):
            out.append(f"{where} line {i + 1}: {la} -> {lb}")
    return out


def compare(folder: Path, name: str, rel: float = 1e-9) -> list[str]:
    """Differences between the recorded snapshot of ``name`` and a fresh run."""
    expected = {p.name: p.read_text(encoding="utf-8") for p in (folder / name).iterdir()}
    with tempfile.TemporaryDirectory() as tmp:
        now = run_case(name, Path(tmp))
    out = [f"{f}: missing now" for f in expected.keys() - now.keys()]
    out += [f"{f}: new" for f in now.keys() - expected.keys()]
    for fname in expected.keys() & now.keys():
        if fname.endswith(".json"):
            out += _diff_json(json.loads(expected[fname]), json.loads(now[fname]), fname, rel)
        elif fname.endswith(".csv"):
            out += _diff_csv(expected[fname], now[fname], fname, rel)
        elif expected[fname] != now[fname]:
            out.append(f"{fname}: {expected[fname]!r} -> {now[fname]!r}")
    return out


def main() -> int:
    """Command line of the script."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="record the snapshots into this folder")
    parser.add_argument("--compare", type=Path, help="compare fresh runs with this folder")
    parser.add_argument("cases", nargs="*", default=list(CASES), help="cases (default: all)")
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"{SHARED} is absent: nothing to do", file=sys.stderr)
        return 2
    if args.write:
        write(args.write, args.cases)
        return 0
    failed = 0
    for name in args.cases:
        diffs = compare(args.compare, name)
        print(f"{name}: {'same' if not diffs else f'{len(diffs)} differences'}")
        for d in diffs[:30]:
            print("   ", d)
        failed += bool(diffs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
