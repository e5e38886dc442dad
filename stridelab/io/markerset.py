"""Marker sets as data: one TOML file per set maps source marker names to landmarks.

A landmark is the mean position of the markers listed for it. The engine only speaks
landmarks (``pelvis``, ``L_heel``, ``L_toe``, ``L_foot``, ``L_shank_top`` ...), so a new
marker set needs a mapping file, not code. Files live in ``stridelab/data/markersets``.

Landmarks used by the engine (per side ``L_``/``R_``):

``pelvis``
    Pelvis centre (mean of the pelvis markers).
``heel`` / ``toe``
    Posterior and anterior foot points (toe: metatarsal heads or the toe marker).
``foot``
    All foot markers (the foot cluster).
``thigh_top`` / ``thigh_bottom`` / ``shank_top`` / ``shank_bottom``
    Proximal and distal points that give a segment's long axis in the sagittal plane.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import tomllib

from stridelab.errors import InputFileError


@dataclass(frozen=True)
class MarkerSet:
    """A named mapping from landmarks to the source markers that define them."""

    name: str
    title: str
    landmarks: dict[str, list[str]]
    notes: str = ""
    allows: list[str] = field(default_factory=list)

    def markers(self) -> set[str]:
        """All source marker names the set refers to."""
        return {m for names in self.landmarks.values() for m in names}

    def coverage(self, labels: list[str] | set[str]) -> float:
        """Share of this set's markers present in ``labels`` (0 to 1)."""
        wanted = self.markers()
        return len(wanted & set(labels)) / len(wanted) if wanted else 0.0


def _from_toml(data: dict, origin: str) -> MarkerSet:
    try:
        return MarkerSet(
            name=data["name"],
            title=data.get("title", data["name"]),
            landmarks={k: list(v) for k, v in data["landmarks"].items()},
            notes=data.get("notes", ""),
            allows=list(data.get("allows", [])),
        )
    except (KeyError, TypeError) as exc:
        raise InputFileError(origin, f"not a valid marker-set file ({exc})") from exc


def builtin_markersets() -> dict[str, MarkerSet]:
    """The marker sets shipped with stridelab, by name."""
    sets = {}
    folder = resources.files("stridelab.data").joinpath("markersets")
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            ms = _from_toml(tomllib.loads(entry.read_text("utf-8")), entry.name)
            sets[ms.name] = ms
    return sets


def load_markerset(spec: str | Path) -> MarkerSet:
    """A built-in marker set by name, or one read from a TOML file.

    Parameters
    ----------
    spec
        A built-in name (``fukuchi``, ``ric_cluster``, ``plugin_gait``) or a path to a TOML file.
    """
    sets = builtin_markersets()
    if str(spec) in sets:
        return sets[str(spec)]
    path = Path(spec)
    if not path.is_file():
        raise InputFileError(path, f"no such marker set (built-in: {', '.join(sorted(sets))})")
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"marker-set file is not valid TOML ({exc})") from exc
    return _from_toml(data, str(path))


def guess_markerset(labels: list[str], path: Path) -> MarkerSet:
    """Pick the built-in marker set that best covers the recorded labels.

    Raises
    ------
    InputFileError
        When no built-in set matches at least half of its markers.
    """
    sets = builtin_markersets()
    best = max(sets.values(), key=lambda ms: ms.coverage(labels))
    if best.coverage(labels) < 0.5:
        shown = ", ".join(labels[:8]) + (" ..." if len(labels) > 8 else "")
        raise InputFileError(
            path,
            f"marker names ({shown}) match no known marker set "
            f"({', '.join(sorted(sets))}); pass --markerset FILE.toml with a mapping",
        )
    return best
