"""From a clip (or keypoints made elsewhere) to a :class:`Recording` the gait engine reads.

Video: decode and run the pose backend (streaming), clean the keypoints, work out the view and
the scale, and place the points in the engine frame. Quality gates follow science.md §1.1:
timing measures are refused below ``video.quality.min_fps`` and flagged below
``video.quality.min_fps_timing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stridelab.errors import InputFileError
from stridelab.io.recording import Recording
from stridelab.parallel import WorkerPool
from stridelab.pose.clean import KeypointCleaner
from stridelab.pose.estimate import ProgressCallback, estimate_keypoints
from stridelab.pose.frame_cache import FrameCache
from stridelab.pose.keypoints import Keypoints
from stridelab.pose.scene import Scene, describe_scene
from stridelab.pose.to_recording import keypoints_to_recording
from stridelab.pose.track import RunnerTrack
from stridelab.pose.video import VideoInfo, is_video, probe_video
from stridelab.thresholds import threshold


@dataclass
class PoseResult:
    """What the pose stage hands on: the recording, the keypoints and how they were read."""

    recording: Recording
    keypoints: Keypoints
    scene: Scene
    video: VideoInfo | None
    cleaning: dict
    track: dict


def check_quality(kp: Keypoints) -> list[str]:
    """Refuse clips that cannot be timed; warnings for doubtful ones."""
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
        raise InputFileError(kp.path, f"a person is found in only {100 * share:.0f} % of frames: "
                             "nothing usable remains")
    if share < 0.95:
        warnings.append(f"a person is found in {100 * share:.0f} % of frames")
    return warnings


def pose_recording(
    path: Path,
    height_m: float = 1.75,
    view: str | None = None,
    capture_fps: float | None = None,
    model: str = "full",
    progress: ProgressCallback | None = None,
    pool: WorkerPool | None = None,
    frame_cache: FrameCache | None = None,
) -> PoseResult:
    """Keypoints from a clip (or a keypoint folder/file) as a recording in the engine frame.

    Parameters
    ----------
    path
        Video file, OpenPose JSON folder or Sports2D/Pose2Sim ``.trc``.
    height_m
        Runner's height (sets the scale).
    view
        ``"side"`` or ``"rear"``; detected when ``None``.
    capture_fps
        Real capture rate (slow motion); default from the container, else its playback rate.
    model
        MediaPipe model variant.
    progress
        Callback ``(done, total)`` for frames.
    pool
        Worker processes for the pose model (``None``: one per core, see
        :func:`stridelab.pose.estimate.default_workers`).
    frame_cache
        Where the pose processes also keep every frame at the annotated video's size.
    """
    info = None
    if is_video(path):
        info = probe_video(path)
        kp = estimate_keypoints(path, "mediapipe", capture_fps=capture_fps, progress=progress,
                                info=info, model=model, pool=pool, frame_cache=frame_cache)
    else:
        from stridelab.pose.read import read_keypoints

        kp = read_keypoints(path, fps=capture_fps)
    track = RunnerTrack().apply(kp)
    kp = track.keypoints_
    warnings = check_quality(kp) + track.warnings_
    cleaner = KeypointCleaner().clean(kp)
    clean = cleaner.keypoints_
    scene = describe_scene(clean, height_m, view=view)
    rec = keypoints_to_recording(clean, scene)
    rec.warnings = warnings + rec.warnings
    if "view" in scene.detected:
        rec.warnings.append(f"view detected as {scene.view} (give --view to override)")
    if scene.view == "rear" and scene.facing < 0:
        rec.warnings.append("the runner is seen from the front: left and right follow the "
                            "pose model's labels; a rear view is what the measures expect")
    return PoseResult(recording=rec, keypoints=clean, scene=scene, video=info,
                      cleaning=cleaner.report_,
                      track={"kept_frames": int(track.kept_.sum()),
                             "switches_s": track.switches_s_,
                             "still_s": [list(span) for span in track.still_s_]})


def check_timing(summary: dict, kp: Keypoints, info: VideoInfo | None) -> None:
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
    cadence = (summary.get("metrics", {}).get("cadence_spm") or {}).get("mean")
    # a walker's cadence is below any runner's, but walking has its own pattern (double
    # support), which slow motion keeps: only a cadence below any walker's is suspicious then
    floor = threshold("video.slowmo.min_cadence_spm" if summary.get("activity") != "walking"
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
