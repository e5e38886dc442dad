"""Wall-clock time of ``stridelab analyze`` on the 30 s treadmill trial, start-up included.

Usage::

    python benchmarks/bench_analyze.py [path/to/RBDS001runT35.c3d] [--repeat 5]

Runs the installed command line as a user would (a fresh process each time) and prints each
run and the median. Target (issue 2): under 3 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "mocap" / "RBDS001runT35.c3d"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.path.exists():
        sys.exit(f"{args.path}: not found")
    exe = shutil.which("stridelab")
    cmd = [exe] if exe else [sys.executable, "-m", "stridelab"]
    times = []
    with tempfile.TemporaryDirectory() as out:
        for i in range(args.repeat):
            t0 = time.perf_counter()
            subprocess.run([*cmd, "analyze", str(args.path), "--out", out, "-q"], check=True)
            times.append(time.perf_counter() - t0)
            print(f"run {i + 1}: {times[-1]:.2f} s")
    med = statistics.median(times)
    print(f"median {med:.2f} s, best {min(times):.2f} s (target < 3 s): "
          f"{'MET' if med < 3 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
