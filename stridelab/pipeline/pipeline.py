"""One analysis pipeline of swappable steps, for the CLI, a notebook and a server alike.

Modelled on mobgap's pipelines and gaitmap's algorithm objects: every step is an object with
its parameters in ``__init__`` and one action method, and each can be replaced by a tuned
instance::

    reader      RecordingReader         a file (or a Recording) into the engine frame
    pose        PoseEstimation          video / keypoints: pose, the runner's stretch, cleaning
    events      AutoEventDetection      force plate, foot clearance or keypoint events
    phases      PhaseSegmentation       the per-stance table with the six phases
    kinematics  StanceKinematics        form measures at the events
    assessment  Assessment              evidence-graded findings
    program     ProgramGenerator        a default strength & balance program

:data:`PRESETS` names the usual combinations (``mocap``, ``keypoints``, ``video_side``,
``video_rear``); :func:`stridelab.analyze` picks one from the input.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from stridelab.errors import InputFileError, TooFewContactsError
from stridelab.io.recording import Recording
from stridelab.pipeline.result import AnalysisResult
from stridelab.thresholds import threshold

Progress = Callable[[str, int, "int | None"], None]
"""Progress callback ``(stage, done, total)``; a new ``stage`` starts a new bar."""


class RecordingReader:
    """A motion-capture file (``.c3d``, ``.trc``) into a recording in the engine frame.

    Parameters
    ----------
    markerset
        A marker-set name (``fukuchi``, ``ric_cluster``, ``plugin_gait``) or mapping file;
        ``None``: guessed from the marker names.
    vertical, forward
        Lab axes such as ``"+y"`` or ``"-z"``; ``None``: detected from the data.

    Attributes
    ----------
    recording_
        The recording, rotated to x forward, y up, z right.
    """

    def __init__(self, markerset: str | None = None, vertical: str | None = None,
                 forward: str | None = None) -> None:
        self.markerset = markerset
        self.vertical = vertical
        self.forward = forward

    def read(self, source: str | Path | Recording) -> RecordingReader:
        """Read ``source`` (a path, or a Recording to rotate); returns ``self``."""
        from stridelab.io.frame import to_engine_frame

        if isinstance(source, Recording):
            rec = source
        else:
            from stridelab.io.load import read_recording
            from stridelab.io.markerset import load_markerset

            ms = load_markerset(self.markerset) if self.markerset else None
            rec = read_recording(Path(source), ms)
        self.recording_ = to_engine_frame(rec, vertical=self.vertical, forward=self.forward)
        return self


def _default(step: Any, factory: Callable[[], Any]) -> Any:
    """A fresh copy of ``step`` (the caller's instance is never changed), or the default."""
    return copy.deepcopy(step) if step is not None else factory()


class Pipeline:
    """The analysis chain; each step a parameter that can be swapped for a tuned instance.

    Parameters
    ----------
    reader
        :class:`RecordingReader` for motion capture (``None``: the default).
    pose
        :class:`~stridelab.pose.pipeline.PoseEstimation` for videos and keypoint files
        (``None``: the default).
    events
        An event detector (:class:`~stridelab.gait.base.EventDetector`); ``None``:
        :class:`~stridelab.gait.auto.AutoEventDetection`.
    phases
        :class:`~stridelab.gait.phases.PhaseSegmentation` (``None``: the default).
    kinematics
        :class:`~stridelab.kinematics.measures.StanceKinematics` (``None``: the default).
    assessment
        :class:`~stridelab.assess.engine.Assessment`; ``False`` skips the findings, the
        program and the report.
    program
        :class:`~stridelab.program.generator.ProgramGenerator`; ``False`` skips it.
    annotated_video
        Draw ``annotated.mp4`` when a video is analysed into a folder.
    workers
        Pose processes for a video (``None``: one per core, at most 3).
    progress
        Progress callback ``(stage, done, total)``.

    Attributes
    ----------
    result_
        The :class:`~stridelab.pipeline.result.AnalysisResult` of the last :meth:`run`.
    """

    def __init__(self, reader: RecordingReader | None = None, pose: Any = None,
                 events: Any = None, phases: Any = None, kinematics: Any = None,
                 assessment: Any = None, program: Any = None, annotated_video: bool = True,
                 workers: int | None = None, progress: Progress | None = None) -> None:
        self.reader = reader
        self.pose = pose
        self.events = events
        self.phases = phases
        self.kinematics = kinematics
        self.assessment = assessment
        self.program = program
        self.annotated_video = annotated_video
        self.workers = workers
        self.progress = progress

    @classmethod
    def from_preset(cls, name: str, **steps: Any) -> Pipeline:
        """The pipeline of a named preset (:data:`PRESETS`), with ``steps`` overriding it."""
        if name not in PRESETS:
            raise ValueError(f"unknown preset {name!r}; one of {', '.join(PRESETS)}")
        return cls(**{**PRESETS[name](), **steps})

    # -- running ----------------------------------------------------------------------------

    def run(self, source: str | Path | Recording, out: str | Path | None = None
            ) -> Pipeline:
        """Analyse ``source``; with ``out``, write the result files there as they are ready.

        Parameters
        ----------
        source
            A motion-capture file, a video, an OpenPose JSON folder, a Sports2D ``.trc``, a
            :class:`~stridelab.io.recording.Recording` or
            :class:`~stridelab.pose.keypoints.Keypoints` from another pose model.
        out
            Folder for the files (``None``: nothing is written; call
            ``result_.save(folder)``).

        Returns
        -------
        Pipeline
            ``self``, with :attr:`result_` set.

        Raises
        ------
        InputFileError
            For input that cannot be analysed, in one line naming the file.
        """
        from stridelab.pipeline.imu import is_imu_input
        from stridelab.pose.keypoints import Keypoints

        if isinstance(source, Keypoints):
            self.result_ = self._run_keypoints(source, out)
        elif is_imu_input(source):
            self.result_ = self._run_imu(source, out)
        elif isinstance(source, Recording) or not check_input(Path(source)):
            self.result_ = self._run_recording(source, out)
        else:
            self.result_ = self._run_pose(Path(source), out)
        if out is not None:
            from stridelab.io.results import remove_stale

            self.result_.removed = remove_stale(out, self.result_.files.values())
        return self

    def _report(self, stage: str, done: int = 0, total: int | None = None) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)

    def _run_recording(self, source, out) -> AnalysisResult:
        name = source.path.name if isinstance(source, Recording) else Path(source).name
        self._report(f"reading {name}")
        rec = _default(self.reader, RecordingReader).read(source).recording_
        self._report("detecting events and phases")
        return self._save_and_assess(self.analyse_gait(rec), out)

    def _run_imu(self, source, out) -> AnalysisResult:
        from stridelab.io.imu import ImuRecording
        from stridelab.pipeline.imu import ImuReader

        if not isinstance(source, ImuRecording):
            paths = [Path(p) for p in (source if isinstance(source, list | tuple) else [source])]
            for path in paths:
                if not path.is_file():
                    raise InputFileError(path, "no such file")
            self._report(f"reading {', '.join(p.name for p in paths)}")
            source = paths if len(paths) > 1 else paths[0]
        reader = self.reader if isinstance(self.reader, ImuReader) else None
        rec = _default(reader, ImuReader).read(source).recording_
        self._report("detecting events and phases")
        return self._save_and_assess(self.analyse_imu(rec), out)

    def _save_and_assess(self, result: AnalysisResult, out) -> AnalysisResult:
        """Write the data files, then assess, then write the findings (as each is ready)."""
        if out is not None:
            result.save_data(out)
        self.assess(result)
        if out is not None:
            result.save_findings(out)
        return result

    def _run_pose(self, path: Path, out) -> AnalysisResult:
        from stridelab.parallel import WorkerPool
        from stridelab.pose.video import is_video

        size, info = 1, None
        if is_video(path):
            from stridelab.pose.estimate import default_workers
            from stridelab.pose.video import probe_video

            info = probe_video(path)
            size = self.workers or default_workers(info.n_frames)
        model = getattr(self.pose, "model", "full")
        if is_video(path) and model != "full":
            from stridelab.pose.mediapipe_backend import ensure_model

            ensure_model(model)  # here, once: not in every pose process
        # the workers start importing MediaPipe now, while this process imports the analysis
        preload = ["stridelab.pose.mediapipe_backend", "mediapipe"] if size > 1 else ()
        with WorkerPool(size, preload=preload) as pool:
            video = (self.annotated_video and out is not None and info is not None)
            from stridelab.pipeline.video import AnnotatedVideo

            with AnnotatedVideo(path, out, info, pool, self._report, enabled=video) as draw:
                return self._pose_and_gait(path, out, pool, info, draw)

    def _run_keypoints(self, kp, out) -> AnalysisResult:
        from stridelab.pipeline.video import AnnotatedVideo

        with AnnotatedVideo(kp.path, out, None, None, self._report, enabled=False) as draw:
            return self._pose_and_gait(kp, out, None, None, draw)

    def _pose_and_gait(self, path, out, pool, info, draw) -> AnalysisResult:
        from stridelab.pose.keypoints import Keypoints
        from stridelab.pose.pipeline import PoseEstimation, check_cadence, check_timing
        from stridelab.summary.timing_error import clip_views, set_timing_errors

        stage = f"pose {(path.path if isinstance(path, Keypoints) else Path(path)).name}"
        # only beside pose *processes*: a pose in this process imports Matplotlib itself
        # (MediaPipe does), and two threads importing its circular modules at once fail
        preparing = (_prepare_report_thread()
                     if self.assessment is not False and pool is not None else None)
        pose = _default(self.pose, PoseEstimation).estimate(
            path, progress=lambda d, t: self._report(stage, d, t), pool=pool,
            frame_sink=draw.cache, info=info)
        self._report("events, phases and measures")
        if not draw.enabled and pool is not None:
            pool.close(wait=False)  # the workers exit while the analysis runs
        try:
            result = self.analyse_gait(pose.recording_)
        except TooFewContactsError as exc:  # a rhythm far too slow: name slow motion instead
            check_cadence(exc.rhythm_cadence_spm, "running", pose.keypoints_, pose.video_)
            raise
        check_timing(result.summary, pose.keypoints_, pose.video_)
        set_timing_errors(result.summary, result.summary.sampling_rate_hz,
                          clip_views(result.summary))
        blocks = pose.summary_blocks()
        result.summary.scene, result.summary.pose = blocks["scene"], blocks["pose"]
        result.keypoints, result.pose = pose.keypoints_, pose
        if out is not None:
            result.save_data(out)
        draw.start(pose.display_keypoints_, result)
        if preparing is not None:
            preparing.join()  # Matplotlib draws one figure at a time
        self.assess(result)
        if out is not None:
            result.save_findings(out)
        result.files.update(draw.finish())
        return result

    # -- the stages -------------------------------------------------------------------------

    def analyse_gait(self, rec: Recording) -> AnalysisResult:
        """Events, the per-stance table with phases, form measures and the summary of ``rec``.

        Raises
        ------
        InputFileError
            When either foot has fewer than two contacts (no whole stride of each foot: the
            per-side figures and their symmetry would be numbers of nothing).
        """
        from stridelab.gait.activity import classify_activity
        from stridelab.gait.auto import AutoEventDetection
        from stridelab.gait.phases import PhaseSegmentation
        from stridelab.gait.strides import alternation_errors
        from stridelab.kinematics.measures import StanceKinematics
        from stridelab.summary.build import gait_summary
        from stridelab.summary.plausibility import apply_gates, rhythm_gate

        det = _default(self.events, AutoEventDetection).detect(rec)
        contacts, warnings = det.contacts_, list(rec.warnings) + list(det.warnings_)
        _require_strides(contacts, rec, det)
        strides = _default(self.phases, PhaseSegmentation).segment(contacts, rec).strides_
        _require_steps(strides, contacts, rec, det)
        activity, activity_warnings = classify_activity(strides)
        warnings += activity_warnings + _event_warnings(contacts, rec, alternation_errors)
        kin = _default(self.kinematics, StanceKinematics).calculate(strides, rec)
        summary = gait_summary(rec, strides, kin.measures_, activity=activity,
                               source=event_source(det), warnings=warnings,
                               measured_view=getattr(kin, "view_", None))
        summary.warnings += _symmetry_warnings(summary)
        apply_gates(summary)
        rhythm_gate(summary, _rhythm_cadence(det))
        return AnalysisResult(strides=strides, summary=summary, contacts=contacts,
                              recording=rec, angles=kin.angles_, measures=kin.measures_)

    def analyse_imu(self, rec: Any) -> AnalysisResult:
        """Contacts, the per-stance table, the pronation proxy and the summary of sensors.

        Parameters
        ----------
        rec
            An :class:`~stridelab.io.imu.ImuRecording` in the body frame.

        Raises
        ------
        InputFileError
            When either foot has fewer than two contacts (no running or walking found).
        """
        from stridelab.gait.activity import classify_activity
        from stridelab.gait.imu_auto import ImuAutoEventDetection
        from stridelab.gait.phases import PhaseSegmentation
        from stridelab.gait.strides import alternation_errors
        from stridelab.pipeline import imu
        from stridelab.summary.build import gait_summary
        from stridelab.summary.imu_error import set_imu_errors
        from stridelab.summary.plausibility import apply_gates

        det = _default(self.events, ImuAutoEventDetection).detect(rec)
        contacts, warnings = det.contacts_, list(rec.warnings) + list(det.warnings_)
        sideless = imu.unknown_sides(contacts)
        if sideless:
            contacts = imu.label_alternating(contacts)
        stand_in = imu.stand_in_recording(rec)
        _require_strides(contacts, stand_in, det)
        strides = _default(self.phases, PhaseSegmentation).segment(contacts, stand_in).strides_
        _require_steps(strides, contacts, stand_in, det)
        activity, activity_warnings = classify_activity(strides)
        warnings += activity_warnings + _event_warnings(contacts, stand_in, alternation_errors)
        measures = imu.imu_measures(strides, rec)
        summary = gait_summary(stand_in, strides, measures, activity=activity,
                               source=event_source(det), warnings=warnings,
                               kind="wearable sensors")
        summary.markerset_allows = []
        if sideless:
            imu.drop_sides(summary)
            strides["side"] = contacts["side"] = "?"  # the L/R labels only paired the steps
        else:
            summary.warnings += _symmetry_warnings(summary)
        set_imu_errors(summary, getattr(det, "kind_", None), rec.effective_fs)
        apply_gates(summary)
        return AnalysisResult(strides=strides, summary=summary, contacts=contacts,
                              recording=stand_in, measures=measures, imu=rec)

    def assess(self, result: AnalysisResult) -> AnalysisResult:
        """Findings and the default program of ``result`` (unless switched off)."""
        if self.assessment is False:
            return result
        from stridelab.assess import Assessment

        a = _default(self.assessment, Assessment).assess(result.summary.to_dict())
        result.assessment, result.findings = a, a.findings_
        if self.program is not False:
            from stridelab.program.generator import ProgramGenerator

            result.program = _default(self.program, ProgramGenerator).generate(
                a.findings_).program_
        return result


def pipeline_for(source: str | Path | Recording, *, view: str | None = None,
                 height_m: float = 1.75, capture_fps: float | None = None,
                 model: str = "full", events: Any = "auto", markerset: str | None = None,
                 vertical: str | None = None, forward: str | None = None,
                 workers: int | None = None, video: bool = True, report: bool = True,
                 progress: Callable[[str, int, int | None], None] | None = None,
                 layout: str | None = None, sensors: dict[str, str] | None = None,
                 rate_hz: float | None = None, **steps: Any) -> Pipeline:
    """The pipeline :func:`analyze` runs on ``source``, from the command line's options.

    A video, an OpenPose folder or a keypoint ``.trc`` (or a Recording of keypoints) gets
    the pose and keypoint-event steps; anything else the motion-capture steps. ``steps``
    replace any step with a tuned instance (see :class:`Pipeline`); ``events`` is either
    the command line's choice (``"auto"``, ``"forceplate"``, ``"kinematic"``) or a detector.
    Wearable-sensor CSV files (one path, or a list of one file per sensor) get the ``imu``
    steps, read with ``layout``, ``sensors`` (sensor names to body positions) and
    ``rate_hz`` (for files without a time column).
    """
    from stridelab.gait.auto import AutoEventDetection
    from stridelab.pipeline.imu import ImuReader, is_imu_input
    from stridelab.pose.keypoints import Keypoints

    if is_imu_input(source):
        chosen_imu: dict[str, Any] = {"reader": ImuReader(layout, sensors, rate_hz)}
        if not isinstance(events, str):
            chosen_imu["events"] = events
        if not report:
            chosen_imu["assessment"] = False
        return Pipeline.from_preset("imu", progress=progress, **{**chosen_imu, **steps})
    if isinstance(source, Keypoints):
        pose_input, preset = True, "keypoints"
    elif isinstance(source, Recording):
        pose_input = False
        preset = "keypoints" if source.markerset.name == "keypoints" else "mocap"
    else:
        pose_input = is_pose_input(Path(source))
        preset = "keypoints" if pose_input else "mocap"
    chosen: dict[str, Any] = {}
    if pose_input:
        from stridelab.pose.pipeline import PoseEstimation

        chosen["pose"] = PoseEstimation(height_m=height_m, view=view, capture_fps=capture_fps,
                                        model=model)
    if preset == "mocap":
        chosen["reader"] = RecordingReader(markerset, vertical, forward)
    if not isinstance(events, str):  # a detector instance
        chosen["events"] = events
    elif preset == "mocap":
        chosen["events"] = AutoEventDetection(events)
    if not report:
        chosen["assessment"] = False
    return Pipeline.from_preset(preset, annotated_video=video, workers=workers,
                                progress=progress, **{**chosen, **steps})


# -- helpers ------------------------------------------------------------------------------

def event_source(detector: Any) -> str:
    """Where a detector's events came from, in words (the summary's ``source``)."""
    return (getattr(detector, "source_", None) or getattr(detector, "SOURCE", None)
            or type(detector).__name__)


def _rhythm_cadence(detector: Any) -> float | None:
    """Cadence (steps/min) of the feet's whole-clip rhythm, when the detector measures it."""
    periods = list(getattr(detector, "period_s_", {}).values())
    return 120.0 / float(np.median(periods)) if periods else None


def _event_warnings(contacts, rec: Recording, alternation_errors) -> list[str]:
    out = []
    bad = alternation_errors(contacts)
    if bad:
        out.append(f"{bad} consecutive contacts by the same foot: events missed or extra; "
                   "values around them are left out")
    if rec.fs < 1.0 / threshold("gait.quality.max_event_period"):
        out.append(f"sampling rate {rec.fs:g} Hz is low for contact and flight times "
                   "(science.md §1.1)")
    return out


def _symmetry_warnings(summary) -> list[str]:
    """A warning for each symmetry index beyond ``gait.symmetry.index_flag_pct``, by name.

    From one side view the far leg is partly hidden: the warning says the index is not to be
    read as the runner's asymmetry.
    """
    from stridelab.summary.glossary import symmetry_warnings

    return symmetry_warnings(summary.symmetry_index_pct,
                             threshold("gait.symmetry.index_flag_pct"), summary.view == "side")


def _require_strides(contacts, rec: Recording, det: Any) -> None:
    """Refuse fewer than two contacts of either foot (no whole stride of each foot)."""
    per_side = {s: int((contacts.side == s).sum()) for s in "LR"}
    if len(contacts) < 3 or min(per_side.values()) < 2:
        raise TooFewContactsError(rec.path, f"found {len(contacts)} foot contacts in "
                                  f"{rec.duration:.1f} s (left {per_side['L']}, right "
                                  f"{per_side['R']}): a whole stride of each foot is needed "
                                  "(nobody runs or walks in this trial, or it is too short)",
                                  _rhythm_cadence(det))


def _require_steps(strides, contacts, rec: Recording, det: Any) -> None:
    """Refuse contacts without a single step from one foot to the other."""
    if not np.isfinite(strides.step_time_ms.to_numpy(dtype=float)).any():
        raise TooFewContactsError(rec.path, f"{len(contacts)} foot contacts in "
                                  f"{rec.duration:.1f} s, but no step from one foot to the "
                                  "other: events were missed (too short or too unsteady a "
                                  "clip)", _rhythm_cadence(det))


WATCH_SUFFIXES = (".fit", ".gpx", ".tcx", ".zip")
"""Watch files and exports: they go to ``stridelab assess`` or the training log."""
MOTION_SUFFIXES = (".c3d", ".trc")
WATCH_HINT = ("a watch file, which has no strides to split into phases: `stridelab assess "
              "{path}` assesses its running dynamics; `stridelab runs import {path}` adds it "
              "to the training log (then `stridelab runs summary ID --out FOLDER`, assess, "
              "plan and report). `stridelab analyze` reads video, keypoints or motion capture")


def supported_inputs() -> str:
    """What :func:`stridelab.analyze` reads, in words, with the file types."""
    from stridelab.pose.video import VIDEO_SUFFIXES

    videos = ", ".join(sorted(VIDEO_SUFFIXES))
    return (f"a video ({videos}), a folder of OpenPose JSON files, a Sports2D/Pose2Sim "
            "keypoint .trc, motion capture (.c3d, or an OpenSim/Pose2Sim marker .trc), or "
            "wearable-sensor (IMU) .csv files")


def check_input(path: Path) -> bool:
    """Refuse, before any work, a path that cannot be analysed; whether it is a clip.

    Raises
    ------
    InputFileError
        A missing path, a watch file (pointed to ``stridelab assess`` and the training
        log), or a file type that is neither a clip, keypoints nor motion capture (the
        message lists what is read).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "no such file or folder")
    suffix = path.suffix.lower()
    if path.is_file() and suffix in WATCH_SUFFIXES:
        raise InputFileError(path, WATCH_HINT.format(path=path))
    if is_pose_input(path):
        return True
    from stridelab.pipeline.imu import IMU_SUFFIXES

    if suffix not in MOTION_SUFFIXES + IMU_SUFFIXES:
        raise InputFileError(path, f"unsupported file type {suffix or '(none)'}; "
                             f"stridelab analyze reads {supported_inputs()}")
    return False


def is_pose_input(path: Path) -> bool:
    """Whether ``path`` is a video, a keypoint folder or a Sports2D/Pose2Sim keypoint .trc."""
    from stridelab.pose.video import is_video

    if is_video(path) or path.is_dir():
        return True
    if path.suffix.lower() != ".trc":
        return False
    from stridelab.pose.sports2d import is_keypoint_trc

    return is_keypoint_trc(path)


def _prepare_report() -> None:
    """Import the report's modules and warm Matplotlib up (~0.8 s on 2 cores).

    A failure here is left for the report itself to meet and explain.
    """
    try:
        import stridelab.assess  # noqa: F401
        import stridelab.program.generator  # noqa: F401
        import stridelab.program.render  # noqa: F401
        import stridelab.report.build  # noqa: F401
        from stridelab.report.plots import warm_up

        warm_up()
    except Exception:  # noqa: BLE001, S110 - the report reports it
        pass


def _prepare_report_thread() -> threading.Thread:
    """The report's imports and first figure, in a thread while the pose processes run."""
    thread = threading.Thread(target=_prepare_report, daemon=True)
    thread.start()
    return thread


def _mocap() -> dict[str, Any]:
    return {}


def _imu() -> dict[str, Any]:
    from stridelab.gait.imu_auto import ImuAutoEventDetection
    from stridelab.pipeline.imu import ImuReader

    return {"reader": ImuReader(), "events": ImuAutoEventDetection()}


def _keypoints() -> dict[str, Any]:
    from stridelab.gait.keypoint_events import KeypointEventDetection

    return {"events": KeypointEventDetection()}


def _video(view: str) -> Callable[[], dict[str, Any]]:
    def preset() -> dict[str, Any]:
        from stridelab.pose.pipeline import PoseEstimation

        return {**_keypoints(), "pose": PoseEstimation(view=view)}

    return preset


PRESETS: dict[str, Callable[[], dict[str, Any]]] = {
    "mocap": _mocap,
    "keypoints": _keypoints,
    "video_side": _video("side"),
    "video_rear": _video("rear"),
    "imu": _imu,
}
"""Named step combinations: ``mocap`` (force plate, else foot clearance), ``keypoints``
(keypoint events), ``video_side`` and ``video_rear`` (pose with the view fixed), ``imu``
(wearable sensors: feet, shanks or lower back)."""
