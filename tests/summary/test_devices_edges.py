"""Two-device files found in review: text cells, a restarting clock, a stray column prefix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stridelab.errors import InputFileError
from stridelab.io.activity.devices import read_two_devices


def _run(n: int = 120, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    contact = 250 + rng.normal(0, 5, n)
    return pd.DataFrame({
        "elapsed_seconds": np.arange(n),
        "hrm_stance_time": contact + 5, "hrm_cadence": np.full(n, 85.0),
        "stryd_stance_time": contact, "stryd_cadence": np.full(n, 85.0),
    })


def test_a_text_cell_is_named_not_dropped(tmp_path):
    df = _run().astype({"hrm_stance_time": object})
    df.loc[7, "hrm_stance_time"] = "n/a?"
    df.to_csv(tmp_path / "text.csv", index=False)
    with pytest.raises(InputFileError, match=r"text\.csv: column 'hrm_stance_time', row 8"):
        read_two_devices(tmp_path / "text.csv")


def test_a_restarting_clock_is_refused(tmp_path):
    df = _run()
    df.loc[60:, "elapsed_seconds"] -= 60
    df.to_csv(tmp_path / "restart.csv", index=False)
    with pytest.raises(InputFileError, match="does not increase"):
        read_two_devices(tmp_path / "restart.csv")


def test_several_runners_each_with_their_own_clock_are_accepted(tmp_path):
    df = pd.concat([_run().assign(subject="A"), _run(seed=1).assign(subject="B")])
    df.to_csv(tmp_path / "two_runners.csv", index=False)
    rec = read_two_devices(tmp_path / "two_runners.csv")
    assert set(rec.groups) == {"A", "B"}


def test_a_one_channel_prefix_is_not_taken_for_a_device(tmp_path):
    df = _run().assign(avg_hr=140)
    df.to_csv(tmp_path / "extra.csv", index=False)
    rec = read_two_devices(tmp_path / "extra.csv")
    assert rec.devices == ("hrm", "stryd")
    assert any("avg" in note for note in rec.unit_notes)
