"""How to film a runner for stridelab: the three clips, where the phone goes, which frame rate.

One side view sees the near leg whole and the far leg partly hidden, so stridelab gives no
left/right comparison and no far-leg finding from one side clip: a full set is one clip from the
runner's left side, one from the right side and one from behind. The frame rates follow the
video events' errors against a force plate (README, "Measured figures") and the quality gates
(``video.quality.min_fps``, ``video.quality.min_fps_timing``).

:func:`filming_svg` draws the top-down picture (inline SVG, as the report's other figures),
:func:`guidance_html` the guidance as an HTML fragment that embeds it, and
:func:`missing_clips` says which clips would complete a video analysis. The picture in the
README was written by ``python -m stridelab.report.filming docs/filming.svg``.
"""

from __future__ import annotations

import functools
import html
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch, Wedge

from stridelab.report.plots import SIDE_COLOURS, _figure, _styled
from stridelab.svg import figure_svg
from stridelab.thresholds import threshold
from stridelab.units import finite

VIDEO_KINDS = ("video", "keypoints")
"""Summary kinds filmed by a camera: the report shows the filming guidance for these."""

TITLE = ("How to film: top view of a treadmill with three phone positions, the runner's left "
         "side, right side and behind, 3 to 5 m away at hip height")
REAR_COLOUR = "#4d4d4d"
_DASH = "\u2013"
SIDE_LABELS = {"L": "left", "R": "right"}

FRAME_RATES = (
    ("Cadence, step and stride time", "any: side or rear", "30 fps or more"),
    ("Contact and flight time, duty factor, phases of the stride", "side or rear",
     f"60 fps or more (120{_DASH}240 better)"),
    ("Trunk lean, foot strike, shank angle, overstride, knee flexion, vertical oscillation",
     "side: each side's clip for its near leg", "30 fps or more"),
    ("Pelvic drop, step width, cross-over, knee frontal angle", "from behind",
     "30 fps or more"),
    ("Left and right compared", "both side clips, or from behind", "as for the measure"),
)
"""Measure, view, frame rate: the README's table and the report's."""

_REAR_ONLY = "pelvic drop, step width, cross-over and knee frontal angle"
_SIDE_ONLY = "trunk lean, foot strike, overstride and knee flexion"


@functools.lru_cache(maxsize=1)
@_styled
def filming_svg() -> str:
    """The filming picture as an inline SVG element (top view, not to scale).

    A treadmill with the runner running up the page; a phone on the runner's left, one on the
    right (each perpendicular to the belt, 3-5 m away) and one behind on the midline, all at
    hip height, each with its field of view and the frame rate its measures need.

    Returns
    -------
    str
        ``<svg ...>...</svg>`` without prolog, as :func:`stridelab.svg.figure_svg` writes.
    """
    fig = _figure(6.4, 4.1, {"left": 0.0, "right": 1.0, "top": 1.0, "bottom": 0.0})
    ax = fig.add_subplot()
    ax.set_xlim(-5.0, 5.0)
    ax.set_ylim(-4.55, 2.05)
    ax.set_aspect("equal")
    ax.axis("off")
    # treadmill (0.9 m x 2 m) and the runner seen from above, running up the page
    ax.add_patch(FancyBboxPatch((-0.45, -1.0), 0.9, 2.0,
                                boxstyle="round,pad=0.05,rounding_size=0.12", facecolor="#e9ecef",
                                edgecolor="#6c757d", linewidth=1.2))
    ax.add_patch(FancyArrowPatch((0.0, 0.55), (0.0, 1.45), arrowstyle="-|>", mutation_scale=12,
                                 color="#6c757d", linewidth=1.2))
    ax.text(0.0, 1.62, "running direction", ha="center", va="bottom", fontsize=8.5,
            color="#495057")
    ax.add_patch(Ellipse((0.0, 0.0), 0.62, 0.26, facecolor="#adb5bd", edgecolor="#343a40"))
    ax.add_patch(Circle((0.0, 0.02), 0.12, facecolor="#f1c9a5", edgecolor="#343a40", zorder=3))
    for side, x in (("L", -0.2), ("R", 0.2)):  # runner's left is the page's left
        ax.add_patch(Ellipse((x, 0.28 if side == "L" else -0.22), 0.11, 0.28,
                             facecolor=SIDE_COLOURS[side], edgecolor="none", zorder=2))
    ax.text(0.0, -0.72, "treadmill", ha="center", va="center", fontsize=7.5, color="#495057")
    ax.text(0.55, 0.3, "runner", ha="left", va="center", fontsize=8.5, color="#343a40")
    phones = (
        ("L", (-3.6, 0.0), 0.0, SIDE_COLOURS["L"], "Left side",
         f"60+ fps (120{_DASH}240 better)", (-3.6, 0.78), "center"),
        ("R", (3.6, 0.0), 180.0, SIDE_COLOURS["R"], "Right side",
         f"60+ fps (120{_DASH}240 better)", (3.6, 0.78), "center"),
        ("rear", (0.0, -3.45), 90.0, REAR_COLOUR, "Behind (rear view)",
         "30+ fps; 60+ for contact times", (1.05, -2.72), "left"),
    )
    for _key, (x, y), facing, colour, name, rate, (tx, ty), ha in phones:
        ax.add_patch(Wedge((x, y), 3.0, facing - 20, facing + 20, facecolor=colour,
                           alpha=0.10, edgecolor="none"))
        w, h = (0.44, 0.12) if facing == 90.0 else (0.12, 0.44)  # the phone seen from above
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h,
                                    boxstyle="round,pad=0.02,rounding_size=0.04",
                                    facecolor=colour, edgecolor="#222222", linewidth=0.8,
                                    zorder=4))
        ax.text(tx, ty, name, ha=ha, va="bottom", fontsize=10, fontweight="bold",
                color=colour)
        ax.text(tx, ty - (0.06 if ha == "center" else 0.08), rate, ha=ha, va="top",
                fontsize=8.5, color="#333333")
        if ha == "center":
            ax.text(x, y - 0.4, "tripod, lens at\nhip height", ha="center", va="top",
                    fontsize=8.5, color="#333333", linespacing=1.15)
        else:
            ax.text(tx, ty - 0.45, "tripod, lens at hip height,\non the belt's midline", ha=ha,
                    va="top", fontsize=8.5, color="#333333", linespacing=1.15)
    # distances
    for start, end, text_xy, rotation in (((-3.6, -1.4), (0.0, -1.4), (-1.8, -1.35), 0),
                                          ((3.6, -1.4), (0.0, -1.4), (1.8, -1.35), 0),
                                          ((-1.0, -3.45), (-1.0, 0.0), (-1.1, -2.3), 90)):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="<->", mutation_scale=9,
                                     color="#6c757d", linewidth=0.9, shrinkA=0, shrinkB=0))
        ax.text(*text_xy, f"3{_DASH}5 m", ha="center" if rotation == 0 else "right",
                va="bottom" if rotation == 0 else "center", fontsize=9, color="#333333")
    ax.text(-4.95, -4.5, "Top view, not to scale. Side phones at right angles to the belt; "
            "whole body and feet in view,\nthe runner filling most of the frame height; "
            "10 s or more (10" + _DASH + "20 strides).", ha="left", va="bottom", fontsize=8,
            color="#5b6474", linespacing=1.2)
    return figure_svg(fig, "filming", TITLE)


def standalone_svg() -> str:
    """:func:`filming_svg` as an SVG file: XML prolog and its natural size in points."""
    svg = filming_svg()
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"',
                                                 svg).groups())
    svg = svg.replace("<svg", f'<svg width="{width:g}pt" height="{height:g}pt"', 1)
    return f'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n{svg}'


def _fps(summary: Mapping) -> float | None:
    pose = summary.get("pose") if isinstance(summary.get("pose"), Mapping) else {}
    for value in (pose.get("fps"), summary.get("sampling_rate_hz")):
        if finite(value):
            return float(value)
    return None


def missing_clips(summary: Mapping) -> list[str]:
    """What the clips a video analysis lacks would add, one sentence each (empty when none).

    Parameters
    ----------
    summary
        A ``summary.json`` document.

    Returns
    -------
    list of str
        A single side view (``scene.near_leg`` says which leg was near the camera) names the
        other side's clip and the rear view; a rear view names the two side clips; every other
        input (motion capture, a watch file) gives an empty list.
    """
    if str(summary.get("kind") or "").lower() not in VIDEO_KINDS:
        return []
    clips = (summary.get("session") or {}).get("clips") or []
    if clips:
        return _missing_from_session({c.get("near_leg") or c.get("view") for c in clips})
    scene = summary.get("scene") if isinstance(summary.get("scene"), Mapping) else {}
    view = summary.get("view") or scene.get("view")
    near = scene.get("near_leg")
    if view == "side" and near in SIDE_LABELS:
        other = SIDE_LABELS["R" if near == "L" else "L"]
        return [
            f"This clip was filmed from the runner's {SIDE_LABELS[near]} side: the "
            f"{SIDE_LABELS[near]} leg was near the camera and seen whole, the {other} leg "
            "partly hidden.",
            f"Film the runner's {other} side too (a clip from the {other} side) for the {other} "
            "leg's findings, and from behind (a rear view) for "
            f"{_REAR_ONLY}; with both sides, or from behind, left and right can be compared.",
        ]
    if view == "side":
        return ["This clip is a single side view: film the other side too, and from behind, "
                f"for the far leg, left/right comparisons and {_REAR_ONLY}."]
    if view == "rear":
        return ["This clip was filmed from behind: film the runner's left side and right side "
                f"too (one clip each) for {_SIDE_ONLY}."]
    return []


def _missing_from_session(roles: set) -> list[str]:
    """What a session's missing clips would add (``roles``: ``"L"``, ``"R"``, ``"rear"``)."""
    out = []
    for leg in ("L", "R"):
        if leg not in roles:
            word = SIDE_LABELS[leg]
            compare = "" if "rear" in roles else ", and left and right cannot be compared"
            out.append(f"No clip from the runner's {word} side: the {word} leg's side-view "
                       f"measures are missing{compare}.")
    if "rear" not in roles:
        out.append(f"No clip from behind: film one for {_REAR_ONLY}.")
    return out


def frame_rate_note(summary: Mapping) -> str | None:
    """A sentence when the clip's frame rate limits contact and flight times, else ``None``."""
    fps = _fps(summary)
    if str(summary.get("kind") or "").lower() not in VIDEO_KINDS or fps is None:
        return None
    if fps < threshold("video.quality.min_fps"):
        return (f"This clip has {fps:g} frames per second: too few for any timing measure. "
                f"Film at 60 fps or more (120{_DASH}240 better) for contact and flight times.")
    if fps < threshold("video.quality.min_fps_timing"):
        return (f"This clip has {fps:g} frames per second: cadence and angles are fine, contact "
                "and flight times carry the frame rounding. Film at 60 fps or more "
                f"(120{_DASH}240 better) for them.")
    return None


def guidance_html() -> str:
    """The filming guidance as an HTML fragment: the picture, a checklist and the frame rates.

    Static, trusted markup (no input is shown); the picture is :func:`filming_svg` inline.
    """
    e = html.escape
    items = [
        "Three clips: one from the runner's <b>left side</b>, one from the <b>right side</b>, "
        "one from <b>behind</b>. One side view sees the near leg whole and the far leg partly "
        "hidden: no left/right comparison and no far-leg finding come from it alone.",
        "Phone on a tripod or a steady surface, the lens at <b>hip height</b>; side views at "
        f"right angles to the running direction, <b>3{_DASH}5 m</b> away; from behind, on the "
        "belt's midline (overground: the runner runs straight away from the phone; a runner "
        "who shrinks in the frame gives fewer usable strides, so a treadmill suits this view "
        "best). No panning or zooming during the clip.",
        "Whole body and both feet in view all the time, the belt under the feet included, with "
        "some margin; nothing between the phone and the runner (a treadmill's front or a rail "
        "that hides the feet makes the contacts uncertain). Portrait or landscape, whichever "
        "lets the runner fill <b>most of the frame height</b>: the pose model's errors are in "
        "pixels, so a small runner has larger errors in millimetres and longer contact times.",
        "<b>Frame rate</b>: 60 fps or more for contact and flight times (120" + _DASH + "240 "
        "better); cadence, angles and the form measures are fine at 30 fps. Slow-motion clips: "
        "give <code>--capture-fps</code> when the phone did not store the capture rate "
        "(stridelab names probable slow motion when the cadence is implausibly low).",
        "At least <b>10 seconds</b> (10" + _DASH + "20 strides) of steady running, after a "
        "warm-up; one runner in view.",
        "Good, even light; shorts or tight clothing so that knees and hips show; shoes that "
        "contrast with the floor or belt.",
    ]
    rows = "".join(f"<tr><td>{e(m)}</td><td>{e(v)}</td><td>{e(r)}</td></tr>"
                   for m, v, r in FRAME_RATES)
    return (
        f'<figure><div class="sl-fig-scroll">{filming_svg()}</div><figcaption>Where to put '
        "the phone (top view, not to scale): one clip from each side and one from behind, "
        f"3{_DASH}5 m away at hip height.</figcaption></figure>"
        f"<ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>"
        '<div class="sl-table-wrap"><table><thead><tr><th>Measure</th><th>View</th>'
        f"<th>Frame rate</th></tr></thead><tbody>{rows}</tbody></table></div>"
        '<p class="sl-note">Frame rates from the video events\' errors against a force plate '
        f"(2 px keypoint noise): initial contact within 9{_DASH}12 ms at 30{_DASH}240 fps; "
        f"contact time too long by 2{_DASH}8 ms at 240 fps, 3{_DASH}13 ms at 60"
        f"{_DASH}120 fps, 6{_DASH}18 ms at 30 fps; at 5 px of noise by 20{_DASH}40 ms. Below "
        f"{threshold('video.quality.min_fps'):g} fps no timing is given, below "
        f"{threshold('video.quality.min_fps_timing'):g} fps it comes with a warning.</p>")


def main(argv: list[str] | None = None) -> int:
    """Write the filming picture to the SVG file named on the command line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m stridelab.report.filming OUT.svg", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(standalone_svg(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
