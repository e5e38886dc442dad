"""Damaged text files the readers let through as raw exceptions before (found by the fuzz tests)."""

from __future__ import annotations

import pytest

from stridelab.errors import InputFileError
from stridelab.io.activity import read_activity
from stridelab.io.load import read_recording

GPX = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" '
       'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
       '<trkpt lat="47.0" lon="8.0"><time>{time}</time></trkpt>'
       '<trkpt lat="47.0" lon="8.001"><time>2020-01-01T00:00:10Z</time></trkpt>'
       "</trkseg></trk></gpx>")
TCX = ('<?xml version="1.0" encoding="{encoding}"?>\n<TrainingCenterDatabase xmlns="http://'
       'www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity '
       'Sport="Running"><Id>x</Id><Lap StartTime="{start}"><Track>'
       "<Trackpoint><Time>2020-01-01T00:00:00Z</Time></Trackpoint>"
       "<Trackpoint><Time>2020-01-01T00:00:10Z</Time></Trackpoint>"
       "</Track></Lap></Activity></Activities></TrainingCenterDatabase>")


@pytest.mark.parametrize("time", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00Z"])
def test_a_gpx_time_out_of_range_is_refused(time):
    with pytest.raises(InputFileError, match=r"^t\.gpx: .* time in year \d+ lies outside "
                                             r"1970-2200: damaged times"):
        read_activity(GPX.format(time=time).encode(), "t.gpx", "gpx")


def test_a_tcx_lap_start_out_of_range_is_refused():
    data = TCX.format(encoding="UTF-8", start="9999-12-31T23:59:59-23:59").encode()
    with pytest.raises(InputFileError, match="start time in year 10000 lies outside"):
        read_activity(data, "t.tcx", "tcx")


def test_a_tcx_with_an_unknown_encoding_is_refused():
    data = TCX.format(encoding="UTF58", start="2020-01-01T00:00:00Z").encode()
    with pytest.raises(InputFileError, match="not a readable TCX .* unknown encoding"):
        read_activity(data, "t.tcx", "tcx")


def test_a_plausible_tcx_is_still_read():
    data = TCX.format(encoding="UTF-8", start="2020-01-01T00:00:00Z").encode()
    assert read_activity(data, "t.tcx", "tcx").start_utc.year == 2020


def _trc(rows: list[str], rate: str = "100") -> str:
    names = ["LASI", "RASI", "LPSI", "RPSI", "LHEE", "RHEE", "LTOE", "RTOE"]
    return "\n".join([
        "PathFileType\t4\t(X/Y/Z)\tm.trc",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits",
        f"{rate}\t{rate}\t{len(rows)}\t{len(names)}\tmm",
        "Frame#\tTime\t" + "\t\t\t".join(names),
        "\t\t" + "\t".join(f"{a}{i + 1}" for i in range(len(names)) for a in "XYZ"),
        "",
        *rows,
    ])


def _row(frame: int, cell: str = "1.5") -> str:
    return "\t".join([str(frame), str(frame / 100), cell] + ["2.5"] * 23)


def test_a_trc_cell_that_is_not_a_number_is_named(tmp_path):
    path = tmp_path / "m.trc"
    path.write_text(_trc([_row(1), _row(2, "10\"6.684326"), _row(3)]))
    with pytest.raises(InputFileError) as caught:
        read_recording(path)
    assert str(caught.value) == (f"{path}: data row 2, column 3: '10\"6.684326' is not a "
                                 "number")


@pytest.mark.parametrize("rate", ["nan", "-150", "0", "inf"])
def test_a_trc_rate_that_is_not_a_rate_is_refused(tmp_path, rate):
    path = tmp_path / "m.trc"
    path.write_text(_trc([_row(1), _row(2), _row(3)], rate=rate))
    with pytest.raises(InputFileError, match="DataRate .* not a frame rate"):
        read_recording(path)


def test_a_plausible_trc_is_still_read(tmp_path):
    path = tmp_path / "m.trc"
    path.write_text(_trc([_row(1), _row(2), _row(3)]))
    assert read_recording(path).n_frames == 3
