"""What the pages keep between requests (issue 15: page times under load).

The weekly load table, the parsed program.json, the athlete list's latest analyses and the
shared progress reader must answer exactly what a fresh read would, follow every change of
the data, and never hand one user's data to another.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import datetime, timedelta, timezone

from sqlalchemy import event, update

from stridelab.load.log import import_paths
from stridelab.store import schema
from stridelab.store.analyses import Analyses
from stridelab.store.db import ActivityStore
from stridelab.web import api, pages
from stridelab.web.progress import ProgressFeed


def _gpx(path, start: datetime, minutes: int, pace_s_per_km: float) -> None:
    """A GPX run heading north, a point every 10 s."""
    step = (10 / pace_s_per_km) * 1000 / 111_195
    points = "".join(
        f'<trkpt lat="{55 + step * i:.7f}" lon="12.0"><ele>10</ele><time>'
        f'{(start + timedelta(seconds=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")}</time></trkpt>'
        for i in range(minutes * 6 + 1))
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="t" '
                    'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type>'
                    f"<trkseg>{points}</trkseg></trk></gpx>", encoding="utf-8")


def _run(tmp_path, name: str, days_ago: int, minutes: int):
    path = tmp_path / f"{name}.gpx"
    start = (datetime.now(timezone.utc) - timedelta(days=days_ago)).replace(microsecond=0)
    _gpx(path, start, minutes, 300.0)
    return path


def _athlete(client, name: str) -> int:
    made = client.post("/api/athletes", json={"name": name, "height_m": 1.75})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_the_weekly_load_follows_every_change_of_the_runs_and_stays_with_its_athlete(
        web, tmp_path):
    web.user("a@example.org", "clinician")
    web.user("b@example.org", "clinician")
    a, b = web.signed_in("a@example.org"), web.signed_in("b@example.org")
    athlete, other = _athlete(a, "Ann"), _athlete(b, "Bea")
    store = ActivityStore(web.settings.db, athlete)
    import_paths(store, [_run(tmp_path, "first", 3, 20)])
    one = a.get(f"/api/athletes/{athlete}/load").json()
    hits = api.LOAD_CACHE.hits
    assert a.get(f"/api/athletes/{athlete}/load").json() == one
    assert api.LOAD_CACHE.hits == hits + 1  # the same runs: the table is not made again
    assert one["activities"] == 1

    import_paths(store, [_run(tmp_path, "second", 1, 40)])  # a new run
    two = a.get(f"/api/athletes/{athlete}/load").json()
    assert two["activities"] == 2
    assert sum(w["distance_km"] for w in two["weeks"]) > sum(
        w["distance_km"] for w in one["weeks"])
    first_id = min(s["activity_id"] for s in two["spikes"])
    store.set_sport(first_id, "cycling")  # a run changed (no longer running)
    three = a.get(f"/api/athletes/{athlete}/load").json()
    assert three["activities"] == 1 and first_id not in {s["activity_id"]
                                                          for s in three["spikes"]}
    assert a.get(f"/api/athletes/{athlete}/load?weeks=4").json()["weeks"] != three["weeks"]

    # another clinician: the athlete is not theirs, cached or not; their own has no runs
    assert b.get(f"/api/athletes/{athlete}/load").status_code == 404
    assert b.get(f"/athletes/{athlete}").status_code == 404
    assert b.get(f"/api/athletes/{other}/load").json()["activities"] == 0


def _done_analysis(web, athlete: int, result_dir: str, program: dict | None) -> int:
    analyses = Analyses(web.settings.db)
    analysis_id = analyses.create(
        athlete, None, "trial.c3d", "mocap", {}, result_dir,
        [{"original_name": "trial.c3d", "stored_name": f"{result_dir}.c3d", "kind": "c3d",
          "size_bytes": 1, "sha256": "0" * 64}])
    analyses.finish(analysis_id, {"metrics": {}}, [])
    folder = web.settings.results_dir / result_dir
    folder.mkdir(parents=True)
    if program is not None:
        (folder / "program.json").write_text(json.dumps(program), encoding="utf-8")
    return analysis_id


def _program(phase: str) -> dict:
    return {"weeks": [{"phase": phase, "sessions": []}]}


def test_the_program_week_is_read_again_when_its_file_changes_and_only_for_its_viewers(web):
    web.user("a@example.org", "clinician")
    web.user("b@example.org", "clinician")
    a, b = web.signed_in("a@example.org"), web.signed_in("b@example.org")
    athlete = _athlete(a, "Ann")
    analysis_id = _done_analysis(web, athlete, "r1", _program("base"))
    path = web.settings.results_dir / "r1" / "program.json"
    assert "(base)" in a.get(f"/athletes/{athlete}").text
    hits = pages.PROGRAMS.hits
    assert a.get(f"/athletes/{athlete}/workouts").status_code == 200
    assert pages.PROGRAMS.hits > hits  # parsed once, read by both pages

    path.write_text(json.dumps(_program("build phase")), encoding="utf-8")  # another size
    assert "(build phase)" in a.get(f"/athletes/{athlete}").text
    stat = path.stat()
    path.write_text(json.dumps(_program("bulk phase")), encoding="utf-8")  # the same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    page = a.get(f"/athletes/{athlete}").text
    assert "(bulk phase)" in page and "build" not in page
    path.unlink()  # no program any more
    assert "No program yet" in a.get(f"/athletes/{athlete}").text

    for url in (f"/athletes/{athlete}", f"/athletes/{athlete}/workouts",
                f"/analyses/{analysis_id}", f"/api/analyses/{analysis_id}"):
        assert b.get(url).status_code == 404, url


def test_the_athlete_list_reads_each_athletes_newest_analysis_in_one_query(web):
    web.user("a@example.org", "clinician")
    a = web.signed_in("a@example.org")
    analyses = Analyses(web.settings.db)
    athletes = [_athlete(a, f"Athlete {k}") for k in range(4)]
    for k, athlete in enumerate(athletes[:3]):
        for n in range(k + 1):
            _done_analysis(web, athlete, f"r{k}-{n}", None)
    tied = analyses.for_athlete(athletes[2])  # the same creation time: the higher id wins
    with analyses.engine.begin() as conn:
        conn.execute(update(schema.analysis).where(schema.analysis.c.athlete_id == athletes[2])
                     .values(created_at=1000.0))
    latest = analyses.latest_for(athletes + [athletes[0]])
    assert set(latest) == set(athletes[:3])
    for athlete in athletes[:3]:
        assert latest[athlete].id == analyses.for_athlete(athlete)[0].id
    assert latest[athletes[2]].id == max(r.id for r in tied)
    assert latest[athletes[0]].summary is None  # the list needs no summary
    assert analyses.latest_for([]) == {}

    queries = []

    def count(*args) -> None:
        queries.append(args[2])

    event.listen(analyses.engine, "before_cursor_execute", count)
    try:
        page = a.get("/athletes").text
        with_four = len(queries)
        for k in range(4, 12):
            _athlete(a, f"Athlete {k}")
        queries.clear()
        a.get("/athletes")
        assert len(queries) == with_four  # the same queries for 4 athletes or 12
    finally:
        event.remove(analyses.engine, "before_cursor_execute", count)
    for athlete in athletes[:3]:
        assert f'/analyses/{latest[athlete].id}"' in page
    assert page.count("none yet") == 1


def test_one_reader_serves_every_follower_of_an_analysis_and_each_change_reaches_them(web):
    web.user("a@example.org", "clinician")
    a = web.signed_in("a@example.org")
    athlete = _athlete(a, "Ann")
    analyses = Analyses(web.settings.db)
    analysis_id = analyses.create(
        athlete, None, "clip.mp4", "video", {}, "v1",
        [{"original_name": "clip.mp4", "stored_name": "v1.mp4", "kind": "video",
          "size_bytes": 1, "sha256": "0" * 64}])
    analyses.claim_next()
    feed = ProgressFeed(analyses, interval_s=0.05)

    async def follow(seen: list, gone: asyncio.Event) -> None:
        async def disconnected() -> bool:
            return gone.is_set()

        async for state in feed.follow(analysis_id, disconnected):
            seen.append((state["status"], state["frames_done"]))

    async def scenario() -> tuple[list, list, list, int]:
        first, second, third = [], [], []
        gone = asyncio.Event()
        tasks = [asyncio.create_task(follow(s, e)) for s, e in
                 ((first, asyncio.Event()), (second, asyncio.Event()), (third, gone))]
        await asyncio.sleep(0.2)
        gone.set()  # the third page is closed
        for done in (10, 20):
            await asyncio.to_thread(analyses.progress, analysis_id, "pose", done, 100, 5.0)
            await asyncio.sleep(0.2)
        reads = feed.reads
        await asyncio.to_thread(analyses.finish, analysis_id, {}, [])
        await asyncio.wait_for(asyncio.gather(*tasks), 5)
        return first, second, third, reads

    first, second, third, reads = asyncio.run(scenario())
    expected = [("running", 0), ("running", 10), ("running", 20), ("done", 20)]
    assert first == second == expected
    assert third == [("running", 0)]
    # ~0.6 s at 0.05 s: one reader reads ~12 times; three readers would read ~36 times
    assert reads <= 0.6 / 0.05 + 4
    assert feed.watches == {}  # nothing kept once the analysis ended


def test_the_progress_stream_of_the_api_still_ends_with_the_analysis(web):
    web.user("a@example.org", "clinician")
    a = web.signed_in("a@example.org")
    athlete = _athlete(a, "Ann")
    analysis_id = _done_analysis(web, athlete, "r1", None)
    with a.stream("GET", f"/api/analyses/{analysis_id}/events") as events:
        states = [json.loads(line[6:]) for line in events.iter_lines()
                  if line.startswith("data: ")]
    assert [s["status"] for s in states] == ["done"]
    web.user("b@example.org", "clinician")
    assert web.signed_in("b@example.org").get(
        f"/api/analyses/{analysis_id}/events").status_code == 404
