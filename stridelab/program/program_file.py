"""A written ``program.json`` read back, for ``stridelab strength log --program``.

The workout log then applies the plan's own dose rule: the target the plan gives the exercise
in the week logged, and the runner's limits (equipment, areas to spare, experience cap) for
the variants it offers.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from stridelab.errors import InputFileError, StridelabError
from stridelab.program.config import ProgramConfig, make_config
from stridelab.program.constraints import Constraints
from stridelab.program.library import ExerciseLibrary, load_library
from stridelab.program.model import Item, Program
from stridelab.thresholds import threshold

_SETTINGS = set(ProgramConfig.__dataclass_fields__)


def read_program(path: str | Path) -> Program:
    """Read a ``program.json``; raises :class:`InputFileError` naming what is wrong."""
    path = Path(path)
    if path.is_dir():
        path = path / "program.json"
    try:
        data = json.loads(path.read_text("utf-8"))
        return Program.from_dict(data)
    except OSError as exc:
        raise InputFileError(path, f"cannot read: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputFileError(path, f"not JSON: {exc}") from exc
    except (KeyError, TypeError) as exc:
        raise InputFileError(path, f"not a stridelab program.json ({exc})") from exc


def program_config(program: Program, lib: ExerciseLibrary | None = None) -> ProgramConfig:
    """The settings the program was made with, checked again."""
    values = {k: v for k, v in program.config.items() if k in _SETTINGS}
    try:
        return make_config(lib, **values)
    except StridelabError as exc:
        raise StridelabError(f"the program's settings are not valid: {exc}") from exc


def program_limits(program: Program, lib: ExerciseLibrary | None = None) -> Constraints:
    """The runner's limits the program was made within."""
    lib = lib or load_library()
    cfg = program_config(program, lib)
    return Constraints(cfg.equipment_items(lib), cfg.avoid,
                       int(threshold(f"program.difficulty.cap_{cfg.experience}")))


def planned_item(program: Program, exercise_id: str, day: date) -> Item | None:
    """The program's item for the exercise on ``day``.

    The last session on or before ``day`` that has the exercise, else its first session;
    ``None`` when the program never prescribes it.
    """
    sessions = [(date.fromisoformat(s.date), it) for s in program.sessions for it in s.items
                if it.exercise_id == exercise_id]
    if not sessions:
        return None
    before = [it for d, it in sessions if d <= day]
    return before[-1] if before else sessions[0][1]
