"""Write a :class:`~stridelab.io.recording.Recording` as an OpenSim ``.trc`` file.

The layout is the one :func:`stridelab.io.trc.read_trc` reads: ``PathFileType`` line, the
``DataRate ...`` keys and their values, the marker-name row (``Frame# Time name1 . . name2``),
the ``X1 Y1 Z1 ...`` row, a blank line and the tab-separated data rows. Coordinates are
written in millimetres in the recording's axes; missing samples are empty fields.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from stridelab.io.recording import Recording


def write_trc(recording: Recording, path: str | Path) -> Path:
    """Write the markers of ``recording`` to an OpenSim ``.trc`` file.

    Parameters
    ----------
    recording
        Markers in metres (any axes; written as they are).
    path
        Destination file; its parent folder must exist.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    names = list(recording.points)
    n = recording.n_frames
    fs = float(recording.fs)
    keys = ["DataRate", "CameraRate", "NumFrames", "NumMarkers", "Units", "OrigDataRate",
            "OrigDataStartFrame", "OrigNumFrames"]
    values = [repr(fs), repr(fs), str(n), str(len(names)), "mm", repr(fs), "1", str(n)]
    header = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "\t".join(keys),
        "\t".join(values),
        "\t".join(["Frame#", "Time"] + [f"{name}\t\t" for name in names]).rstrip("\t"),
        "\t\t" + "\t".join(f"{a}{i}" for i in range(1, len(names) + 1) for a in "XYZ"),
        "",
    ]
    coords = np.hstack([recording.points[name] for name in names]) * 1000.0
    table = pd.DataFrame(coords)
    table.insert(0, "time", np.arange(n) / fs)
    table.insert(0, "frame", np.arange(1, n + 1))
    body = table.to_csv(sep="\t", header=False, index=False, na_rep="", float_format="%.6f",
                        lineterminator="\n")
    path.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    return path
