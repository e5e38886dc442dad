"""Import benchmark: a folder of N activity files, imported into a fresh training log.

Builds the folder from the shared activity files (FIT copies with their date-time fields
moved by whole days, TCX copies with shifted times: every copy has distinct content, so
nothing is deduplicated), times ``stridelab runs import`` (in-process, the same code the
command runs) into a temporary database, then times the bare FIT parsers decoding the same
FIT files: Garmin's official ``garmin-fit-sdk``, ``fitdecode`` and ``fitfast``.

    python benchmarks/bench_import.py [--n 1000] [--template all|fenix2] [--parsers-on 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from stridelab.io.activity.synth import shift_fit, shift_xml_times  # noqa: E402
from stridelab.load.log import IMPORTED, import_paths  # noqa: E402
from stridelab.store.db import ActivityStore  # noqa: E402

SHARED = Path(os.environ.get("STRIDELAB_SHARED_DATA", REPO / ".." / "shared" / "data")).resolve()
TEMPLATES = {
    "all": ["activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit",
            "garmin-fenix-5-walk.fit", "Activity.fit", "no_hr.tcx"],
    "fenix2": ["activity-small-fenix2-run.fit"],
}


def build_folder(folder: Path, n: int, template: str) -> list[Path]:
    names = TEMPLATES[template]
    sources = [(name, (SHARED / "activities" / name).read_bytes()) for name in names]
    files = []
    for i in range(n):
        name, data = sources[i % len(sources)]
        days = -(i // len(sources)) - 1  # one day earlier per round: a history going back
        shifted = shift_fit(data, days) if name.endswith(".fit") else shift_xml_times(data, days)
        path = folder / f"{i:04d}_{name}"
        path.write_bytes(shifted)
        files.append(path)
    return files


def time_parser(label: str, decode, files: list[Path]) -> float:
    start = time.perf_counter()
    for path in files:
        decode(path)
    elapsed = time.perf_counter() - start
    rate = len(files) / elapsed
    print(f"  {label:<34} {len(files):5d} files {elapsed:7.2f} s  {rate:8.1f} files/s")
    return rate


def sdk_decode(path: Path) -> None:
    from garmin_fit_sdk import Decoder, Stream

    _, errors = Decoder(Stream.from_file(str(path))).read()
    assert not errors, errors


def fitdecode_decode(path: Path) -> None:
    import fitdecode

    with fitdecode.FitReader(str(path)) as reader:
        for _ in reader:
            pass


def fitfast_decode(path: Path) -> None:
    import fitfast

    fitfast.records(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="number of files")
    parser.add_argument("--template", choices=sorted(TEMPLATES), default="all",
                        help="copy all shared files round-robin, or only the 47-min Fenix 2 run")
    parser.add_argument("--parsers-on", type=int, default=None,
                        help="time the bare parsers on the first N FIT files only")
    args = parser.parse_args()
    if not (SHARED / "activities").exists():
        sys.exit(f"shared activity files not found at {SHARED / 'activities'}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "activities"
        folder.mkdir()
        t0 = time.perf_counter()
        files = build_folder(folder, args.n, args.template)
        size = sum(p.stat().st_size for p in files) / 1e6
        print(f"built {len(files)} files ({size:.1f} MB, template {args.template}) in "
              f"{time.perf_counter() - t0:.1f} s; {os.cpu_count()} CPU cores")

        db = Path(tmp) / "log.sqlite"
        t0 = time.perf_counter()
        with ActivityStore(db) as store:
            outcomes = import_paths(store, [folder])
        elapsed = time.perf_counter() - t0
        imported = sum(o.status == IMPORTED for o in outcomes)
        print(f"stridelab runs import: {imported}/{len(files)} imported in {elapsed:.2f} s = "
              f"{len(files) / elapsed:.1f} files/s (target: {len(files)} in < 60 s); "
              f"database {db.stat().st_size / 1e6:.1f} MB")
        t0 = time.perf_counter()
        with ActivityStore(db) as store:
            again = import_paths(store, [folder])
        print(f"re-import (all already present): {len(again)} files in "
              f"{time.perf_counter() - t0:.2f} s")

        fit_files = [p for p in files if p.suffix == ".fit"][: args.parsers_on]
        print(f"bare FIT parsers on the same {len(fit_files)} FIT files:")
        time_parser("fitfast.records (Rust)", fitfast_decode, fit_files)
        time_parser("garmin-fit-sdk Decoder.read", sdk_decode, fit_files)
        time_parser("fitdecode FitReader", fitdecode_decode, fit_files)


if __name__ == "__main__":
    main()
