"""Validate the video single-leg stance test on the Pose2Sim beam clip (issue 14, part 2).

A man on a narrow beam stands on his LEFT leg and swings the right leg up and out, filmed by
four synchronised cameras at 60 fps (100 frames). By eye (data README, 0-based frames,
+/- 1): right toe-off 13-15, right toe touch-down 72-74, left toe-off about 84. This runs
:class:`~stridelab.balance.single_leg_video.SingleLegStanceTest` on the BODY_25B keypoints
of each camera and, with ``--mediapipe``, on MediaPipe keypoints of the cam02 and cam03
videos, and prints the detected frames beside the by-eye ones.

Run: ``python benchmarks/validate_single_leg_video.py [--mediapipe]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stridelab.balance.single_leg_video import SingleLegStanceTest, single_leg_keypoints
from stridelab.errors import StridelabError

BEAM = Path(__file__).resolve().parents[2] / "shared/data/balance/video_pose2sim_beam"
BY_EYE = {"lift_off": (13, 15), "touch_down": (72, 74), "stance_moved": (83, 85)}


def _off(frame: int | None, window: tuple[int, int]) -> str:
    if frame is None:
        return "-"
    lo, hi = window
    return "0" if lo <= frame <= hi else f"{frame - lo:+d}" if frame < lo else f"+{frame - hi}"


def run(source: Path, name: str) -> str:
    """One table row: detected frames and their distance from the by-eye window."""
    try:
        test = SingleLegStanceTest().detect(single_leg_keypoints(source, capture_fps=60.0))
    except StridelabError as exc:
        return f"| {name} | refused: {str(exc).split(': ', 1)[-1]} |"
    frames = {"lift_off": test.lift_off_frame_, "touch_down": test.touch_down_frame_,
              "stance_moved": test.stance_moved_frame_}
    cells = [f"{frames[k]} ({_off(frames[k], BY_EYE[k])})" for k in BY_EYE]
    sway = test.sway_
    return (f"| {name} | {test.leg_} | {' | '.join(cells)} | {test.ended_by_} | "
            f"{test.hold_time_s_:.2f} | {sway.get('trunk_rms_x_bh', float('nan')):.3f} | "
            f"{int(sway.get('corrections', 0))} |")


def main() -> None:
    """Print the validation table (markdown)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mediapipe", action="store_true", help="also MediaPipe on cam02/03")
    args = parser.parse_args()
    if not BEAM.exists():
        raise SystemExit(f"{BEAM} not found")
    print("| keypoints | stance | lift-off (by eye 13-15) | touch-down (72-74) | stance foot "
          "moved (~84) | ended by | hold s | trunk RMS x (body heights) | corrections |")
    print("|---|---|---|---|---|---|---|---|---|")
    for cam in ("cam01", "cam02", "cam03", "cam04"):
        print(run(BEAM / "openpose_body25b" / f"{cam}_json", f"BODY_25B {cam}"))
    if args.mediapipe:
        for cam in ("cam02", "cam03"):
            print(run(BEAM / "videos" / f"{cam}.mp4", f"MediaPipe {cam}"))


if __name__ == "__main__":
    main()
