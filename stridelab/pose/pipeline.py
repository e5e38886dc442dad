"""From a clip (or keypoints made elsewhere) to a :class:`Recording` the gait engine reads.

Video: decode and run the pose backend (streaming), clean the keypoints, work out the view and
the scale, and place the points in the engine frame. Quality gates follow science.md §1.1:
timing measures are refused below ``video.quality.min_fps`` and flagged below
``video.quality.min_fps_timing``.
"""

from __future__ import annotations

import math
from pathlib import Path

from stridelab.errors import InputFileError, StridelabError
from stridelab.parallel import WorkerPool
from stridelab.pose.clean import KeypointCleaner
from stridelab.pose.estimate import FrameSink, ProgressCallback, estimate_keypoints
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.scene import Scene, describe_scene, quarter_turns, upright
from stridelab.pose.to_recording import keypoints_to_recording
from stridelab.pose.track import RunnerTrack
from stridelab.pose.video import VideoInfo, is_video, probe_video
from stridelab.summary import Summary
from stridelab.thresholds import threshold


def check_quality(kp: Keypoints, found_share: float | None = None) -> list[str]:
    """Refuse clips that cannot be timed; warnings for doubtful ones.

    Parameters
    ----------
    kp
        The runner's keypoints (after :class:`~stridelab.pose.track.RunnerTrack`).
    found_share
        Share of frames in which the pose model found anyone, before the runner's stretch
        was kept: the refusal says which of the two fell short.
    """
    warnings = []
    if kp.fps < threshold("video.quality.min_fps"):
        raise InputFileError(kp.path, f"frame rate {kp.fps:g} fps is too low to time steps "
                             "(a flight phase of ~100 ms spans under three frames)")
    if kp.fps < threshold("video.quality.min_fps_timing"):
        warnings.append(f"{kp.fps:g} fps limits timing: rounding alone gives ~"
                        f"{1000 / kp.fps / 3:.0f} ms mean error in contact time (science.md "
                        "§1.1); film at 60 fps or more for contact and flight times")
    share = kp.frames_with_person
    if share < threshold("video.quality.min_person_share"):
        if found_share is not None and found_share >= threshold(
                "video.quality.min_person_share"):
            raise InputFileError(kp.path, f"the pose model finds a person in "
                                 f"{100 * found_share:.0f} % of frames, but one moving runner "
                                 f"in only {100 * share:.0f} % (the rest shows another person "
                                 "or a figure standing still): nothing usable remains")
        raise InputFileError(kp.path, f"a person is found in only {100 * share:.0f} % of frames: "
                             "nothing usable remains")
    if share < 0.95:
        warnings.append(f"a person is found in {100 * share:.0f} % of frames")
    return warnings


HEIGHT_RANGE_M = (1.0, 2.4)
"""A runner's height in metres (``height_m``) that the scale accepts."""


def check_options(height_m: float, capture_fps: float | None) -> None:
    """Refuse a height or a capture rate that cannot be right, before any frame is read.

    Raises
    ------
    StridelabError
        A height outside :data:`HEIGHT_RANGE_M` (centimetres given as metres, say), or a
        capture rate that is not a number above 0.
    """
    low, high = HEIGHT_RANGE_M
    if not low <= _number(height_m) <= high:
        raise StridelabError(f"a runner's height of {height_m} m is implausible: give it in "
                             f"metres ({low:.1f}-{high:.1f}, e.g. 1.78)")
    if capture_fps is not None and not _number(capture_fps) > 0:
        raise StridelabError(f"a capture rate of {capture_fps} frames/s is impossible: give "
                             "the clip's real capture rate, above 0 (e.g. 240)")


def _number(value: object) -> float:
    """``value`` as a finite float, else NaN (which fails every comparison)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


class PoseEstimation:
    """From a clip (or keypoints made elsewhere) to a recording the gait engine reads.

    Parameters
    ----------
    height_m
        Runner's height (sets the scale).
    view
        ``"side"`` or ``"rear"``; detected when ``None``.
    capture_fps
        Real capture rate (slow motion); default from the container, else its playback rate.
    model
        MediaPipe model variant (``"full"`` works offline).
    tracker, cleaner
        The runner's stretch (:class:`~stridelab.pose.track.RunnerTrack`) and the keypoint
        cleaning (:class:`~stridelab.pose.clean.KeypointCleaner`); ``None``: the defaults.

    Attributes
    ----------
    recording_
        The cleaned keypoints as a recording in the engine frame, with the warnings.
    keypoints_
        The cleaned keypoints, the runner upright.
    display_keypoints_
        The same in the clip's own picture (turned back if the runner lay in it).
    scene_
        View, setting, facing and scale.
    video_
        The clip's :class:`~stridelab.pose.video.VideoInfo` (``None`` for keypoint files).
    cleaning_
        What the cleaning did, for the summary.
    track_
        The runner's stretch: frames kept, jumps to another person, still stretches.
    """

    def __init__(self, height_m: float = 1.75, view: str | None = None,
                 capture_fps: float | None = None, model: str = "full",
                 tracker: RunnerTrack | None = None,
                 cleaner: KeypointCleaner | None = None) -> None:
        check_options(height_m, capture_fps)
        self.height_m = height_m
        self.view = view
        self.capture_fps = capture_fps
        self.model = model
        self.tracker = tracker
        self.cleaner = cleaner

    def estimate(self, path: Path | Keypoints, progress: ProgressCallback | None = None,
                 pool: WorkerPool | None = None, frame_sink: FrameSink | None = None,
                 info: VideoInfo | None = None) -> PoseEstimation:
        """Keypoints of ``path`` (video, OpenPose folder or Sports2D ``.trc``); returns ``self``.

        Parameters
        ----------
        path
            The clip or keypoint files, or :class:`~stridelab.pose.keypoints.Keypoints`
            already estimated (tracked and cleaned here all the same).
        progress
            Callback ``(done, total)`` for frames.
        pool
            Worker processes for the pose model (``None``: one per core).
        frame_sink
            A per-frame callback object (:class:`~stridelab.pose.estimate.FrameSink`) the
            pose processes hand every frame on to (the annotated video's frame cache).
        info
            The clip's probe, when already read.
        """
        if isinstance(path, Keypoints):
            self.video_, kp = None, path
        else:
            kp = self._keypoints(Path(path), progress, pool, frame_sink, info)
        found = kp.frames_with_person
        track = (self.tracker or RunnerTrack()).apply(kp)
        kp = track.keypoints_
        warnings = check_quality(kp, found) + track.warnings_
        kp, turns = upright(kp)
        cleaner = (self.cleaner or KeypointCleaner()).clean(kp)
        self.keypoints_ = cleaner.keypoints_
        # the picture itself is not turned: the annotated video draws on the original frames
        self.display_keypoints_ = quarter_turns(self.keypoints_, -turns)
        if turns:
            warnings.append(f"the runner lies in the picture (a clip stored on its side "
                            f"without a rotation tag): keypoints turned upright by "
                            f"{90 * turns} degrees")
        self.scene_ = describe_scene(self.keypoints_, self.height_m, view=self.view)
        check_view(self.scene_, self.keypoints_)
        self.recording_ = keypoints_to_recording(self.keypoints_, self.scene_,
                                                 unfiltered=cleaner.unfiltered_)
        self.recording_.warnings = warnings + self.recording_.warnings + self._scene_warnings()
        self.cleaning_ = cleaner.report_
        self.track_ = {"kept_frames": int(track.kept_.sum()),
                       "switches_s": track.switches_s_,
                       "still_s": [list(span) for span in track.still_s_]}
        return self

    def _keypoints(self, path: Path, progress, pool, frame_sink, info) -> Keypoints:
        self.video_ = None
        if not is_video(path):
            from stridelab.pose.read import read_keypoints

            return read_keypoints(path, fps=self.capture_fps)
        self.video_ = info or probe_video(path)
        return estimate_keypoints(path, "mediapipe", capture_fps=self.capture_fps,
                                  progress=progress, info=self.video_, model=self.model,
                                  pool=pool, frame_sink=frame_sink)

    def _scene_warnings(self) -> list[str]:
        out = []
        if "view" in self.scene_.detected:
            out.append(f"view detected as {self.scene_.view} (to override it, give the view: "
                       "--view, or View on the web app's upload page)")
        if self.scene_.view == "rear" and self.scene_.facing < 0:
            out.append("the runner is seen from the front: left and right follow the "
                       "pose model's labels; a rear view is what the measures expect")
        return out

    def summary_blocks(self) -> dict[str, dict]:
        """The summary's ``scene`` and ``pose`` blocks (``docs/summary-schema.md``)."""
        scene, kp = self.scene_, self.keypoints_
        return {
            "scene": {"view": scene.view, "setting": scene.setting, "facing": scene.facing,
                      "px_per_m": round(scene.px_per_m, 2), "detected": list(scene.detected),
                      "height_m": self.height_m, "near_leg": scene.near_leg,
                      "leg_visibility": scene.leg_visibility},
            "pose": {"source": kp.source, "frames": kp.n_frames, "fps": kp.fps,
                     "frames_with_person": round(kp.frames_with_person, 3),
                     "runner": self.track_,
                     "cleaning": {k: v for k, v in self.cleaning_.items() if k != "long_gaps"}},
        }


def check_view(scene: Scene, kp: Keypoints) -> None:
    """Refuse a declared view that the keypoints contradict.

    A rear view's measures (pelvic drop, step width, cross-over) taken from a side clip, or a
    side view's from a rear clip, are numbers of nothing; the view in the data comes from the
    width of the shoulders and hips against the leg (:func:`stridelab.pose.scene.detect_view`).

    Raises
    ------
    InputFileError
        When ``--view`` was given and the keypoints show the other view.
    """
    if "view" in scene.detected or not scene.view_in_data or scene.view == scene.view_in_data:
        return
    looks = ("shoulders and hips narrow against the leg" if scene.view_in_data == "side"
             else "shoulders and hips wide against the leg")
    raise InputFileError(kp.path, f"--view {scene.view} was given, but the clip looks like a "
                         f"{scene.view_in_data} view ({looks}): its {scene.view}-view measures "
                         f"would be meaningless; give --view {scene.view_in_data} or leave "
                         "--view out")


def check_timing(summary: Summary, kp: Keypoints, info: VideoInfo | None) -> None:
    """Refuse timings that no runner produces: most often a slow-motion clip.

    Phones film slow motion at 120 or 240 fps and play it at 30: read at the playback rate,
    every step looks 4-8 times too slow. When the container did not record the capture rate,
    the cadence gives it away (``video.slowmo.min_cadence_spm``; for a clip classified as
    walking, ``video.slowmo.min_walking_cadence_spm``).

    Raises
    ------
    InputFileError
        When the cadence is below any runner's, with the capture rates that would make sense.
    """
    cadence = summary.metrics["cadence_spm"].mean if "cadence_spm" in summary.metrics else None
    check_cadence(cadence, summary.activity, kp, info)


def check_cadence(cadence: float | None, activity: str, kp: Keypoints,
                  info: VideoInfo | None) -> None:
    """Refuse a cadence below any runner's (walker's) as probable slow motion.

    See :func:`check_timing`; also used with the cadence of the feet's rhythm when too few
    contacts were found to time steps.
    """
    # a walker's cadence is below any runner's, but walking has its own pattern (double
    # support), which slow motion keeps: only a cadence below any walker's is suspicious then
    floor = threshold("video.slowmo.min_cadence_spm" if activity != "walking"
                      else "video.slowmo.min_walking_cadence_spm")
    if cadence is None or cadence >= floor:
        return
    hints = []
    for rate in (120, 240):
        implied = cadence * rate / kp.fps
        if 140 <= implied <= 220:
            hints.append(f"--capture-fps {rate} gives {implied:.0f} steps/min")
    hint = ("; ".join(hints)) if hints else "give the capture rate with --capture-fps"
    played = info.playback_fps if info is not None else kp.fps
    raise InputFileError(kp.path, f"apparent cadence {cadence:.0f} steps/min at {played:g} fps is "
                         f"below any runner's: the clip may be slow motion ({hint})")
