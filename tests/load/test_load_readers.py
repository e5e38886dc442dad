import csv
from datetime import datetime, timedelta, timezone

import gpxpy
import gpxpy.gpx
import numpy as np
import pytest

from stridelab.errors import InputFileError
from stridelab.io.activity import read_activity, read_path
from stridelab.io.activity.fit import SEMICIRCLE_DEG, read_fit
from stridelab.io.activity.model import haversine_m
from stridelab.io.activity.synth import encode_run

MALFORMED = "strava-android-app-201.10-b1218918.fit"  # both common parsers reject it

FIT_FILES = ["Activity.fit", "activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit",
             "garmin-fenix-5-walk.fit"]


def test_fenix2_distance_and_duration_match_the_session_totals(activities_dir):
    act = read_path(activities_dir / "activity-small-fenix2-run.fit")
    assert act.sport == "running"
    total = act.totals["total_distance_m"]
    assert total == pytest.approx(9008.22)
    assert np.nanmax(act.records["distance_m"]) == pytest.approx(total, rel=0.01)
    gps = haversine_m(act.records["lat_deg"], act.records["lon_deg"]).sum()
    assert gps == pytest.approx(total, rel=0.03)
    span = act.records["time_s"][-1] - act.records["time_s"][0]
    assert span == pytest.approx(act.totals["total_elapsed_time_s"], rel=0.01)
    assert act.local_start().isoformat() == "2015-08-15T16:45:08+02:00"
    assert act.has_running_dynamics
    # FIT cadence is strides/min per foot: steps/min are twice the session's 81 rpm
    assert np.nanmean(act.records["cadence_spm"][act.records["cadence_spm"] > 0]) == (
        pytest.approx(act.totals["avg_cadence_spm"], rel=0.01))
    assert act.totals["avg_cadence_spm"] == 162.0


def _csv_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_fenix5_records_equal_the_reference_csv(activities_dir):
    act = read_path(activities_dir / "garmin-fenix-5-run.fit")
    rows = _csv_rows(activities_dir / "garmin-fenix-5-run-records.csv")
    assert act.n_records == len(rows)
    pdt = timezone(timedelta(hours=-7))
    times = [datetime.strptime(r["timestamp"].replace(" PDT", ""), "%a %b %d %H:%M:%S %Y")
             .replace(tzinfo=pdt).timestamp() for r in rows]
    np.testing.assert_array_equal(act.records["time_s"], times)
    rec = act.records
    col = {k: np.array([float(r[k]) for r in rows]) for k in rows[0] if k != "timestamp"}
    np.testing.assert_allclose(rec["heart_rate_bpm"], col["heart_rate"])
    np.testing.assert_allclose(rec["speed_m_s"], col["speed"])
    np.testing.assert_allclose(rec["distance_m"], col["distance"])
    np.testing.assert_allclose(rec["altitude_m"], col["altitude"], atol=1e-6)
    np.testing.assert_allclose(rec["lat_deg"], col["position_lat"] * SEMICIRCLE_DEG)
    np.testing.assert_allclose(rec["lon_deg"], col["position_long"] * SEMICIRCLE_DEG)
    # whole strides/min as in the CSV; steps/min add the fractional half-stride and double
    np.testing.assert_array_equal(np.floor(rec["cadence_spm"] / 2), col["cadence"])
    assert act.local_start().isoformat() == "2017-06-11T07:34:09-07:00"


def test_fenix5_running_dynamics(activities_dir):
    act = read_path(activities_dir / "garmin-fenix-5-run.fit")
    rec = act.records
    # the values the device wrote into record 4 (07:34:13): checked with the official SDK
    assert rec["stance_time_ms"][3] == 308.0
    assert rec["vertical_oscillation_mm"][3] == pytest.approx(46.7)
    assert rec["stance_time_balance_left_pct"][3] == pytest.approx(53.21)
    assert rec["vertical_ratio_pct"][3] == pytest.approx(2.34)
    assert rec["step_length_mm"][3] == 578.0
    ok = np.isfinite(rec["stance_time_balance_left_pct"])
    assert 45 < np.mean(rec["stance_time_balance_left_pct"][ok]) < 55
    assert act.totals["avg_stance_time_balance_left_pct"] == pytest.approx(52.39)


@pytest.mark.parametrize("name", FIT_FILES)
def test_fitfast_agrees_with_garmin_sdk(activities_dir, name):
    data = (activities_dir / name).read_bytes()
    fast = read_fit(data, name, decoder="fitfast")
    ref = read_fit(data, name, decoder="sdk")
    assert (fast.decoder, ref.decoder) == ("fitfast", "garmin-fit-sdk")
    assert fast.sport == ref.sport
    assert fast.start_utc == ref.start_utc
    assert fast.utc_offset_s == ref.utc_offset_s
    assert fast.totals == pytest.approx(ref.totals)
    assert sorted(fast.records) == sorted(ref.records)
    for channel, values in ref.records.items():
        np.testing.assert_allclose(fast.records[channel], values, rtol=1e-9, err_msg=channel)


@pytest.mark.parametrize("decoder", ["auto", "fitfast", "sdk"])
def test_malformed_fit_is_rejected_with_a_reason(activities_dir, decoder):
    data = (activities_dir / MALFORMED).read_bytes()
    with pytest.raises(InputFileError) as info:
        read_fit(data, MALFORMED, decoder=decoder)
    assert "corrupt FIT file" in info.value.problem
    assert MALFORMED in str(info.value)


def test_tcx_distance_and_duration_match_the_laps(activities_dir):
    act = read_path(activities_dir / "no_hr.tcx")
    assert act.sport == "running" and act.format == "tcx"
    assert "heart_rate_bpm" not in act.records
    assert np.nanmax(act.records["distance_m"]) == pytest.approx(
        act.totals["total_distance_m"], rel=0.01)
    span = act.records["time_s"][-1] - act.records["time_s"][0]
    assert span == pytest.approx(act.totals["total_timer_time_s"], rel=0.01)
    assert act.utc_offset_s is None
    assert act.start_utc == datetime(2012, 12, 26, 21, 29, 53, tzinfo=timezone.utc)


def _gpx(times=True, kind="running", n=61):
    gpx = gpxpy.gpx.GPX()
    track = gpxpy.gpx.GPXTrack()
    track.type = kind
    segment = gpxpy.gpx.GPXTrackSegment()
    start = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
    for i in range(n):  # 10 s apart, 0.0003 deg of latitude (~33.4 m) north each time
        point = gpxpy.gpx.GPXTrackPoint(55.0 + 0.0003 * i, 12.0, elevation=10.0,
                                        time=start + timedelta(seconds=10 * i) if times else None)
        segment.points.append(point)
    track.segments.append(segment)
    gpx.tracks.append(track)
    text = gpx.to_xml()
    if times:  # heart rate and cadence as Garmin's TrackPointExtension writes them
        text = text.replace("<gpx ", '<gpx xmlns:gpxtpx="http://www.garmin.com/xmlschemas/'
                            'TrackPointExtension/v1" ', 1)
        text = text.replace("</time>", "</time><extensions><gpxtpx:TrackPointExtension>"
                            "<gpxtpx:hr>150</gpxtpx:hr><gpxtpx:cad>86</gpxtpx:cad>"
                            "</gpxtpx:TrackPointExtension></extensions>")
    return text.encode()


def test_gpx_written_by_gpxpy():
    act = read_activity(_gpx(), "run.gpx", "gpx")
    assert act.sport == "running"
    expected = 60 * 0.0003 * np.pi / 180 * 6_371_008.8
    assert np.nanmax(act.records["distance_m"]) == pytest.approx(expected, rel=1e-6)
    assert act.records["time_s"][-1] - act.records["time_s"][0] == 600
    np.testing.assert_array_equal(act.records["heart_rate_bpm"], 150)
    np.testing.assert_array_equal(act.records["cadence_spm"], 172)


def test_gpx_without_times_is_rejected():
    with pytest.raises(InputFileError, match="no times"):
        read_activity(_gpx(times=False), "notime.gpx", "gpx")


def test_gpx_unknown_sport_is_kept_with_a_warning():
    act = read_activity(_gpx(kind="kitesurfing"), "kite.gpx", "gpx")
    assert act.sport == "unknown" and not act.is_running
    assert any("sport unknown" in w for w in act.warnings)


TCX_NO_GPS = b"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
  xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">
 <Activities><Activity Sport="Running"><Id>2026-03-03T06:00:00Z</Id>
  <Lap StartTime="2026-03-03T06:00:00Z"><TotalTimeSeconds>120</TotalTimeSeconds>
   <DistanceMeters>400</DistanceMeters><Track>
    <Trackpoint><Time>2026-03-03T06:00:00Z</Time><DistanceMeters>0</DistanceMeters>
     <HeartRateBpm><Value>120</Value></HeartRateBpm>
     <Extensions><ns3:TPX><ns3:Speed>3.3</ns3:Speed><ns3:RunCadence>84</ns3:RunCadence></ns3:TPX>
     </Extensions></Trackpoint>
    <Trackpoint><Time>2026-03-03T06:02:00Z</Time><DistanceMeters>400</DistanceMeters>
     <HeartRateBpm><Value>140</Value></HeartRateBpm>
     <Extensions><ns3:TPX><ns3:Speed>3.4</ns3:Speed><ns3:RunCadence>86</ns3:RunCadence></ns3:TPX>
     </Extensions></Trackpoint>
   </Track></Lap></Activity></Activities></TrainingCenterDatabase>"""


def test_tcx_without_gps_keeps_the_device_distance():
    act = read_activity(TCX_NO_GPS, "treadmill.tcx", "tcx")
    assert not act.has_gps
    assert act.totals["total_distance_m"] == 400
    np.testing.assert_array_equal(act.records["heart_rate_bpm"], [120, 140])
    np.testing.assert_array_equal(act.records["cadence_spm"], [168, 172])
    np.testing.assert_allclose(act.records["speed_m_s"], [3.3, 3.4])


def test_tcx_biking_is_not_running():
    act = read_activity(TCX_NO_GPS.replace(b'Sport="Running"', b'Sport="Biking"'), "b.tcx", "tcx")
    assert act.sport == "cycling" and not act.is_running
    np.testing.assert_array_equal(act.records["cadence_spm"], [84, 86])  # rpm, not doubled


@pytest.mark.parametrize("fmt", ["fit", "gpx", "tcx"])
def test_empty_file_is_rejected(fmt):
    with pytest.raises(InputFileError, match="empty file"):
        read_activity(b"", f"empty.{fmt}", fmt)


def test_not_fit_bytes_are_rejected():
    with pytest.raises(InputFileError, match="not a FIT file"):
        read_activity(b"hello, this is not a FIT file at all", "x.fit", "fit")


@pytest.mark.parametrize("decoder", ["fitfast", "sdk"])
def test_fit_written_by_garmin_encoder(decoder):
    start = datetime(2026, 3, 2, 6, 30, tzinfo=timezone.utc)
    data = encode_run(start, 5000.0, 1500.0, utc_offset_s=3600)
    act = read_fit(data, "enc.fit", decoder=decoder)
    assert act.start_utc == start
    assert act.local_start().isoformat() == "2026-03-02T07:30:00+01:00"
    assert act.totals["total_distance_m"] == 5000.0
    assert np.nanmax(act.records["distance_m"]) == pytest.approx(5000.0, rel=1e-3)
    assert not act.has_gps
    np.testing.assert_array_equal(act.records["cadence_spm"], 170)


def test_fit_generic_sport_is_unknown():
    data = encode_run(datetime(2026, 3, 2, tzinfo=timezone.utc), 1000.0, 600.0, sport="generic")
    act = read_fit(data, "generic.fit")
    assert act.sport == "unknown" and not act.is_running
