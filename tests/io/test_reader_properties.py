"""Hypothesis: the text readers (GPX, TCX, TRC, Sports2D TRC, OpenPose JSON) keep their contract.

Documents are built from a valid skeleton whose every value may be replaced by odd text,
odd numbers or odd times, then damaged further by cutting, inserting or duplicating text. Each
must give a valid result or a one-line StridelabError naming the file (``reader_contract``).
The runs are derandomised, so CI sees the same examples every time.
"""

from __future__ import annotations

import json
import math
import tempfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reader_contract import keeps_contract

from stridelab.io.activity import Activity, read_activity
from stridelab.io.load import read_recording
from stridelab.io.recording import Recording
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.read import read_keypoints

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

ODD_NUMBERS = ["", " ", "nan", "NaN", "inf", "-inf", "1e309", "-1e309", "0", "-0", "1e-320",
               "999999999999999999999", "-1", "12,5", "0x10", "1_000", "٣"]
ODD_TIMES = ["", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-23:59",
             "0001-01-01T00:00:00+23:59", "2020-02-30T00:00:00Z", "2020-01-01T25:00:00Z",
             "2020-01-01", "1970-01-01T00:00:00Z", "2020-01-01T00:00:00.123456789Z", "now"]


ODDNESS = st.sampled_from([0, 0, 3, 10, 30, 100])
"""Per document, the share (%) of its fields given odd values: a quarter of the documents are
valid but for :func:`damaged`, and most get far enough to reach the reader's later steps."""


@st.composite
def either(draw, typical: st.SearchStrategy, odd: st.SearchStrategy, odd_pct: int):
    """A value of ``odd`` with a chance of ``odd_pct`` %, else of ``typical``.

    (A uniform draw: Hypothesis' integers favour their bounds, which would pick ``odd`` far
    more often.)
    """
    chance = draw(st.randoms(use_true_random=False)).random()
    return draw(odd) if chance * 100 < odd_pct else draw(typical)


def numbers(typical: st.SearchStrategy[float], odd_pct: int,
            escape: bool = False) -> st.SearchStrategy[str]:
    """Number fields: plausible, or any float, integer, odd spelling or text."""
    text = st.text(max_size=8).map(xml_escape) if escape else st.text(max_size=8)
    return either(typical.map(lambda x: f"{x:.6f}"), st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers().map(str),
        st.sampled_from(ODD_NUMBERS),
        text,
    ), odd_pct)


def times(odd_pct: int) -> st.SearchStrategy[str]:
    """Time fields: ISO 8601 times of these years, or of any year, odd ones or text."""
    zones = st.sampled_from(["Z", "+00:00", "-07:00", "+14:00", ""])
    recent = st.datetimes(datetime(2015, 1, 1), datetime(2025, 1, 1))
    iso = st.tuples(recent, zones).map(lambda dz: dz[0].isoformat() + dz[1])
    any_year = st.tuples(st.datetimes(), zones).map(lambda dz: dz[0].isoformat() + dz[1])
    return either(iso, st.one_of(any_year, st.sampled_from(ODD_TIMES),
                                 st.text(max_size=20).map(xml_escape)), odd_pct)


@st.composite
def damaged(draw, document: str) -> str:
    """``document`` as it is (two times in three) or with up to three cuts, insertions or
    duplications of text."""
    if draw(st.integers(0, 2)):
        return document
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(document)))
        upto = draw(st.integers(at, min(len(document), at + 40)))
        action = draw(st.sampled_from(["cut", "insert", "duplicate"]))
        if action == "cut":
            document = document[:at] + document[upto:]
        elif action == "insert":
            document = document[:at] + draw(st.text(max_size=20)) + document[at:]
        else:
            document = document[:upto] + document[at:upto] + document[upto:]
    return document


def xml_escape(text: str) -> str:
    """``text`` as XML character data (characters XML cannot hold at all are dropped)."""
    return escape("".join(c for c in text if c in "\t\n\r" or " " <= c < "\ufffe"
                          and not "\ud800" <= c <= "\udfff"))


def _text_bytes(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogatepass")


# --- GPX -------------------------------------------------------------------------------------

@st.composite
def gpx_documents(draw) -> str:
    odd = draw(ODDNESS)
    points = []
    for _ in range(draw(st.integers(0, 5))):
        lat = draw(numbers(st.floats(47.0, 47.1), odd, escape=True))
        lon = draw(numbers(st.floats(8.0, 8.1), odd, escape=True))
        parts = [f"<trkpt lat={quoteattr(lat)} lon={quoteattr(lon)}>"]
        if draw(st.booleans()):
            parts.append(f"<ele>{draw(numbers(st.floats(0, 500), odd, escape=True))}</ele>")
        if draw(either(st.just(True), st.just(False), odd)):
            parts.append(f"<time>{draw(times(odd))}</time>")
        if draw(st.booleans()):
            parts.append("<extensions><gpxtpx:TrackPointExtension>"
                         f"<gpxtpx:hr>{draw(numbers(st.floats(60, 190), odd, escape=True))}"
                         f"</gpxtpx:hr><gpxtpx:cad>"
                         f"{draw(numbers(st.floats(70, 95), odd, escape=True))}</gpxtpx:cad>"
                         "</gpxtpx:TrackPointExtension></extensions>")
        points.append("".join(parts) + "</trkpt>")
    kind = draw(either(st.sampled_from(["running", "run", "9", ""]),
                       st.text(max_size=10).map(xml_escape), odd))
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>{kind}</type><trkseg>{''.join(points)}</trkseg></trk></gpx>")
    return draw(damaged(document))


@SETTINGS
@given(document=gpx_documents())
def test_gpx(document):
    result = keeps_contract(lambda: read_activity(_text_bytes(document), "h.gpx", "gpx"),
                            "h.gpx", document[:300])
    _check_activity(result)


# --- TCX -------------------------------------------------------------------------------------

@st.composite
def tcx_documents(draw) -> str:
    odd = draw(ODDNESS)
    points = []
    for _ in range(draw(st.integers(0, 5))):
        def number(typical):
            return draw(numbers(typical, odd, escape=True))

        parts = ["<Trackpoint>"]
        if draw(either(st.just(True), st.just(False), odd)):
            parts.append(f"<Time>{draw(times(odd))}</Time>")
        if draw(st.booleans()):
            parts.append(f"<Position><LatitudeDegrees>{number(st.floats(47, 48))}"
                         f"</LatitudeDegrees><LongitudeDegrees>{number(st.floats(8, 9))}"
                         "</LongitudeDegrees></Position>")
        for tag, typical in (("DistanceMeters", st.floats(0, 1e4)),
                             ("AltitudeMeters", st.floats(0, 500))):
            if draw(st.booleans()):
                parts.append(f"<{tag}>{number(typical)}</{tag}>")
        if draw(st.booleans()):
            parts.append(f"<HeartRateBpm><Value>{number(st.floats(60, 190))}</Value>"
                         "</HeartRateBpm>")
        if draw(st.booleans()):
            parts.append(f"<Extensions><TPX><Speed>{number(st.floats(0, 6))}</Speed>"
                         f"<RunCadence>{number(st.floats(70, 95))}</RunCadence>"
                         "</TPX></Extensions>")
        points.append("".join(parts) + "</Trackpoint>")
    sport = draw(either(st.sampled_from(["Running", "Biking", "Other", ""]),
                        st.text(max_size=8).map(xml_escape), odd))
    lap_total = draw(numbers(st.floats(0, 1e4), odd, escape=True))
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2"><Activities>'
        f"<Activity Sport={quoteattr(sport)}><Id>x</Id>"
        f"<Lap StartTime={quoteattr(draw(times(odd)))}>"
        f"<TotalTimeSeconds>{lap_total}</TotalTimeSeconds><Track>{''.join(points)}</Track>"
        "</Lap></Activity></Activities></TrainingCenterDatabase>")
    return draw(damaged(document))


@SETTINGS
@given(document=tcx_documents())
def test_tcx(document):
    result = keeps_contract(lambda: read_activity(_text_bytes(document), "h.tcx", "tcx"),
                            "h.tcx", document[:300])
    _check_activity(result)


def _check_activity(result) -> None:
    if isinstance(result, Activity):
        assert len(result.records["time_s"]) >= 1
        assert result.start_utc.tzinfo is not None


# --- TRC (markers and Sports2D keypoints) ----------------------------------------------------

MARKER_NAMES = ["LASI", "RASI", "LPSI", "RPSI", "LTHI", "RTHI", "LKNE", "RKNE", "LANK", "RANK",
                "LHEE", "RHEE", "LTOE", "RTOE"]  # Plug-in Gait
KEYPOINT_NAMES = ["RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "RShoulder",
                  "LShoulder"]


def plain_table(draw, n_rows: int, n_columns: int, scale: float) -> list[list[str]]:
    """Plausible numbers, from one drawn seed (drawing each cell would be slow)."""
    rnd = draw(st.randoms(use_true_random=False))
    return [[f"{rnd.uniform(-scale, scale):.6f}" for _ in range(n_columns)]
            for _ in range(n_rows)]


ODD_CELLS = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                      st.integers().map(str), st.sampled_from(ODD_NUMBERS), st.text(max_size=8))


@st.composite
def odd_cells(draw, table: list[list[str]], odd: int) -> list[list[str]]:
    """``table`` with a few cells (more, the odder) replaced by odd numbers or text."""
    if not odd or not table or not table[0]:
        return table
    for _ in range(draw(st.integers(1, 1 + odd // 10))):
        row = draw(st.integers(0, len(table) - 1))
        table[row][draw(st.integers(0, len(table[row]) - 1))] = draw(ODD_CELLS)
    return table


@st.composite
def trc_documents(draw, names: list[str]) -> str:
    odd = draw(ODDNESS)
    names = draw(either(st.just(names), st.lists(st.sampled_from(names + ["", "x"]),
                                                 max_size=len(names) + 1), odd))
    rate = draw(numbers(st.sampled_from([30.0, 60.0, 150.0]), odd))
    units = draw(either(st.sampled_from(["m", "mm", "cm"]), st.sampled_from(["M", "in", ""]),
                        odd))
    n_frames = draw(either(st.integers(2, 6), st.integers(0, 1), odd))
    table = draw(odd_cells(plain_table(draw, n_frames, 2 + 3 * len(names), 2000.0), odd))
    rows = []
    for frame, cells in enumerate(table):
        cells = [str(frame + 1), f"{frame / 60:.4f}", *cells[2:]]
        ragged = draw(either(st.just(False), st.just(True), odd))
        rows.append("\t".join(cells[: draw(st.integers(0, len(cells)))] if ragged else cells))
    document = "\n".join([
        "PathFileType\t4\t(X/Y/Z)\tx.trc",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate",
        f"{rate}\t{rate}\t{n_frames}\t{len(names)}\t{units}\t{rate}",
        "Frame#\tTime\t" + "\t\t\t".join(names),
        "\t\t" + "\t".join(f"{a}{i + 1}" for i in range(len(names)) for a in "XYZ"),
        "",
        *rows,
    ])
    return draw(damaged(document))


@SETTINGS
@given(document=trc_documents(MARKER_NAMES))
def test_marker_trc(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.trc"
        path.write_bytes(_text_bytes(document))
        result = keeps_contract(lambda: read_recording(path), path, document[:300])
    if isinstance(result, Recording):
        assert result.n_frames >= 2 and math.isfinite(result.fs) and result.fs > 0


@SETTINGS
@given(document=trc_documents(KEYPOINT_NAMES))
def test_sports2d_trc(document):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run_px_person00.trc"
        path.write_bytes(_text_bytes(document))
        result = keeps_contract(lambda: read_keypoints(path), path, document[:300])
    _check_keypoints(result)


# --- OpenPose JSON ---------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8)


ODD_POINT_VALUES = st.one_of(st.floats(), st.integers(), st.none(), st.text(max_size=2),
                             st.lists(st.integers(), max_size=2))


@st.composite
def openpose_people(draw, odd: int) -> dict:
    """One person: BODY_25 or COCO points, or odd counts and values."""
    size = draw(either(st.sampled_from([75, 54]), st.sampled_from([0, 3, 74, 76]), odd))
    rnd = draw(st.randoms(use_true_random=False))
    values: list = [round(rnd.uniform(0, 1920), 3) if i % 3 < 2 else round(rnd.random(), 3)
                    for i in range(size)]
    if odd and values:
        for _ in range(draw(st.integers(0, 1 + odd // 10))):
            values[draw(st.integers(0, size - 1))] = draw(ODD_POINT_VALUES)
    return {"pose_keypoints_2d": values}


@st.composite
def openpose_frames(draw, odd: int) -> str:
    """One frame file: a few people, or any JSON value; sometimes damaged when ``odd``."""
    frame = draw(either(
        st.builds(lambda people: {"version": 1.3, "people": people},
                  st.lists(openpose_people(odd), max_size=3)),
        JSON_VALUES, odd))
    text = json.dumps(frame, allow_nan=True)
    return draw(damaged(text)) if odd else text


@SETTINGS
@given(frames=ODDNESS.flatmap(lambda odd: st.lists(openpose_frames(odd), min_size=1,
                                                    max_size=6)))
def test_openpose_folder(frames):
    with tempfile.TemporaryDirectory() as folder:
        for i, text in enumerate(frames):
            (Path(folder) / f"run_{i:012d}_keypoints.json").write_bytes(_text_bytes(text))
        result = keeps_contract(lambda: read_keypoints(folder, fps=30), folder, frames[0][:300])
    _check_keypoints(result)


def _check_keypoints(result) -> None:
    if isinstance(result, Keypoints):
        assert result.xy.shape[0] == len(result.conf) and result.fps > 0
