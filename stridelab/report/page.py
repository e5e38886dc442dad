"""The report page: one self-contained HTML document (inline CSS and SVG, no script, no fetch).

Every text that comes from the inputs is escaped with :func:`html.escape`; the page's
Content-Security-Policy forbids scripts and network loads, so even a mistake cannot reach out.
The only markup taken as is, is the program fragment rendered by ``stridelab.program.render``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

import pandas as pd

from stridelab import __version__
from stridelab.assess.model import SEVERITIES, TARGETS, Finding
from stridelab.report import filming, plots
from stridelab.report.style import CSS
from stridelab.report.values import SI_FORMULA, fmt, label, metric_si, unit_of
from stridelab.thresholds import load_thresholds, threshold
from stridelab.units import finite

ORDER = ("cadence_spm", "contact_time_ms", "flight_time_ms", "swing_time_ms", "step_time_ms",
         "stride_time_ms", "duty_factor")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
DISCLAIMER = ("Findings describe associations reported in studies, not diagnoses: a measure "
              "outside a band does not mean an injury will happen, and a measure inside one "
              "does not rule it out. For pain or injury, see a qualified health professional.")


def e(value) -> str:
    """Escape any value for HTML text or attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def path_html(path: object) -> str:
    """A file name or path, escaped, that may break only after a path separator.

    The words of a name never break (``.sl-name``): a long path wraps after each separator
    (``<wbr>``), so "treadmill_side_60fps.mp4" is never split as "...mp / 4".
    """
    parts = re.split(r"(?<=[/\\])", "" if path is None else str(path))
    return '<span class="sl-name">' + "<wbr>".join(e(p) for p in parts) + "</span>"


def _facts(pairs: Iterable[tuple[str, object]], names: Iterable[str] = ()) -> str:
    """A ``<dl>`` of the pairs with a value; the keys in ``names`` hold file names (own row)."""
    names = set(names)
    items = "".join(
        f'<div class="sl-wide"><dt>{e(k)}</dt><dd>{path_html(v)}</dd></div>' if k in names
        else f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>"
        for k, v in pairs if v not in (None, ""))
    return f'<dl class="sl-facts">{items}</dl>'


def _when(stamp: object) -> str | None:
    """An ISO date-time as ``YYYY-MM-DD HH:MM`` (its own clock), or ``None``."""
    try:
        return f"{datetime.fromisoformat(str(stamp)):%Y-%m-%d %H:%M}" if stamp else None
    except ValueError:
        return str(stamp)


def _contacts_text(summary: dict) -> str | None:
    """``"42 left / 42 right"``; the total when the sides are unknown (one lower-back sensor)."""
    n = summary.get("n_contacts") or {}
    if not n:
        return None
    if n.get("L") is None and n.get("R") is None:
        count = ((summary.get("metrics") or {}).get("contact_time_ms") or {}).get("count")
        return f"{count} (left and right unknown)" if count else None
    return f"{n.get('L') or 0} left / {n.get('R') or 0} right"


def header(summary: dict, generated: datetime) -> str:
    """Title, what was analysed and how, and the warnings (prominent)."""
    file = summary.get("file") or "unknown file"
    rate, duration = summary.get("sampling_rate_hz"), summary.get("duration_s")
    strike = (summary.get("foot_strike") or {}).get("overall")
    clips = (summary.get("session") or {}).get("clips") or []
    shown = (", ".join(str(c.get("name")) for c in clips) if clips
             else Path(str(file)).name)
    facts = _facts([
        ("Clips" if clips else "File", shown), ("Activity", summary.get("activity")),
        ("Kind", summary.get("kind")), ("View", summary.get("view")),
        ("Events from", summary.get("source")),
        ("Setting", (summary.get("axes") or {}).get("setting")),
        ("Marker set", None if summary.get("kind") == "wearable sensors"
         else summary.get("markerset")),
        ("Sampling rate", f"{rate:g} Hz" if finite(rate) else None),
        ("Duration", f"{duration:.1f} s" if finite(duration) else None),
        ("Contacts", _contacts_text(summary)),
        ("Foot strike", strike), ("Recorded", _when(summary.get("start_time"))),
        ("Report date", f"{generated:%Y-%m-%d %H:%M}"),
    ], names=("Clips", "File"))
    out = [f'<header class="sl-head"><h1>Running gait report</h1>'
           f'<p class="sl-muted" title="{e(file)}">{path_html(file)}</p>{facts}</header>']
    warnings = [w for w in summary.get("warnings") or [] if w]
    if warnings:
        items = "".join(f"<li>{e(w)}</li>" for w in warnings)
        out.append(f'<aside class="sl-warnings" role="alert"><h2>\u26a0 Check before use '
                   f'({len(warnings)} warning{"s" if len(warnings) > 1 else ""})</h2>'
                   f"<ul>{items}</ul></aside>")
    return "".join(out)


def _metric_row(summary: dict, key: str, sided: bool, sources: Mapping) -> str:
    """One row of the key metrics: name and notes, mean, SD, CV (and the sides when ``sided``)."""
    m = summary["metrics"][key]
    unit = unit_of(key, m)
    name = f"{label(key)} ({unit})" if unit and unit != "ratio" else label(key)
    conf, error = m.get("confidence"), m.get("error")
    notes = ([f"confidence {conf:.0%}"] if finite(conf) else []) + (
        [f"\u00b1{fmt(error, unit)}{' ms' if unit == 'ms' else ''} measured error "
         "(force plates)"] if finite(error) else [])
    note = f' <span class="sl-note">{", ".join(notes)}</span>' if notes else ""
    cells = [f"<td>{e(name)}{note}</td><td>{fmt(m.get('mean'), unit)}</td>"
             f"<td>{fmt(m.get('sd'), unit)}</td><td>{fmt(m.get('cv_pct'), '%')}</td>"]
    if sided:
        left, right = m.get("L"), m.get("R")
        diff = right - left if finite(left) and finite(right) else None
        cells.append(f'<td class="sl-l">{fmt(left, unit)}</td><td class="sl-r">'
                     f"{fmt(right, unit)}</td><td>{fmt(diff, unit)}</td>"
                     f"<td>{fmt(metric_si(summary, key), '%')}</td>")
    if sources:
        cells.append(f"<td>{e(source_words(sources.get(key)))}</td>")
    return "<tr>" + "".join(cells) + "</tr>"


def _si_note() -> str:
    band = load_thresholds()["report.symmetry.reference_band_pct"]
    return (
        f'<p class="sl-note">Symmetry index: {e(SI_FORMULA)}. 0 means both sides are equal; '
        "positive means the right value is larger. Given for times, cadence, knee flexion and "
        "vertical oscillation, where both sides are well above zero; for angles and distances "
        f"that can be near zero, compare R \u2212 L. The often quoted "
        f"\u00b1{band.value:g} % line is {e(band.evidence)} without prospective validation. "
        "Cadence per side counts the steps that begin with that foot's contact.</p>")


def metrics_section(summary: dict) -> str:
    """Key metrics with mean, SD, CV, left, right, R - L and the symmetry index.

    The side columns are left out when no metric has a left or right value (a watch file's
    summary); a note then says so.
    """
    metrics = {k: v for k, v in (summary.get("metrics") or {}).items() if isinstance(v, dict)}
    summary = {**summary, "metrics": metrics}
    keys = [k for k in ORDER if k in metrics] + [k for k in metrics if k not in ORDER]
    sources = (summary.get("session") or {}).get("sources") or {}
    sided = any(finite(m.get(s)) for m in metrics.values() for s in ("L", "R"))
    width = 4 + 4 * sided + bool(sources)
    rows = []
    for key in keys:
        if key == keys[0] or (key not in ORDER and keys[keys.index(key) - 1] in ORDER):
            group = "Timing" if key in ORDER else "Running form"
            rows.append(f'<tr class="sl-group"><th colspan="{width}">{group}</th></tr>')
        rows.append(_metric_row(summary, key, sided, sources))
    head = ("<tr><th>Metric</th><th>Mean</th><th>SD</th><th>CV %</th>"
            + ('<th class="sl-l">Left</th><th class="sl-r">Right</th><th>R \u2212 L</th>'
               "<th>SI %</th>" if sided else "")
            + ("<th>From</th>" if sources else "") + "</tr>")
    sides_note = _si_note() if sided else (
        '<p class="sl-note">No left or right values: this input gives one value per run '
        "for both feet together.</p>")
    unavailable = summary.get("unavailable") or {}
    missing = "".join(f"<li>{e(label(k))}: {e(v)}</li>" for k, v in unavailable.items())
    return (
        '<section id="metrics"><h2>Key metrics</h2>'
        '<div class="sl-table-wrap"><table class="sl-data">'
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table></div>" + sides_note
        + (f'<p class="sl-note">Not measured from this input:</p><ul class="sl-note">{missing}'
           "</ul>" if missing else "")
        + "</section>")


def source_words(source: Mapping | None) -> str:
    """Which clip a session's value came from: ``"left: a.mp4, right: b.mp4"`` or one name."""
    if not isinstance(source, Mapping):
        return ""
    names = {s: source.get(s) for s in ("L", "R")}
    if names["L"] and names["L"] == names["R"]:
        return str(names["L"])
    return ", ".join(f"{w}: {names[s] or 'not filmed'}" for s, w in (("L", "left"),
                                                                      ("R", "right")))


def session_section(summary: dict) -> str:
    """The clips of a session: view, frame rate, contacts, cadence, warnings (else empty)."""
    clips = (summary.get("session") or {}).get("clips") or []
    if not clips:
        return ""
    rows = []
    for c in clips:
        n = c.get("n_contacts") or {}
        rate = c.get("sampling_rate_hz")
        rows.append(
            f"<tr><td>{e(c.get('role'))}</td><td>{e(c.get('name'))}</td>"
            f"<td>{f'{rate:g} fps' if finite(rate) else ''}</td>"
            f"<td>{n.get('L', 0)} / {n.get('R', 0)}</td>"
            f"<td>{fmt(c.get('cadence_spm'), 'steps/min')}</td></tr>")
        warnings = "".join(f"<li>{e(w)}</li>" for w in c.get("warnings") or [])
        if warnings:
            rows.append(f'<tr><td colspan="5"><p class="sl-note">About this clip alone:</p>'
                        f'<ul class="sl-note">{warnings}</ul></td></tr>')
    return (
        '<section id="session"><h2>Clips of this session</h2><p>Each leg\'s side-view '
        "measures and its own timing (contact, swing and stride time) come from the clip "
        "where that leg was near the camera; step and flight times, which need both feet, and "
        "the measures from behind come from the rear clip when there is one. Left/right "
        "comparisons come from those values, never from one side view. The table of key "
        "metrics names the clip of every value.</p>"
        '<div class="sl-table-wrap"><table class="sl-data"><thead><tr><th>View</th>'
        "<th>Clip</th><th>Frame rate</th><th>Contacts left / right</th><th>Cadence "
        "(steps/min)</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div></section>")


def filming_section(summary: dict) -> str:
    """How to film, for video and keypoint inputs only (else an empty string).

    The clips this analysis lacks and a frame rate too low for contact times come first; then
    the guidance of :mod:`stridelab.report.filming`, open when either is named.
    """
    if str(summary.get("kind") or "").lower() not in filming.VIDEO_KINDS:
        return ""
    notes = [*filming.missing_clips(summary), filming.frame_rate_note(summary)]
    notes = [n for n in notes if n]
    lead = "".join(f"<p>{e(n)}</p>" for n in notes)
    return ('<section id="filming"><h2>How to film</h2>' + lead
            + f'<details{" open" if notes else ""}><summary>Which clips to film, where to put '
            "the phone and which frame rate to use</summary>"
            f"{filming.guidance_html()}</details></section>")


PARTIAL_REAR = (
    '<p class="sl-note">Some phases cannot be bounded from this view: seen from behind, '
    "the pelvis passing over the foot and the foot's most forward point are not visible, "
    "so mid-stance, take-off, mid-swing and terminal swing need a side view.</p>")
PARTIAL_SENSORS = (
    '<p class="sl-note">Some phases cannot be bounded from wearable sensors: they give the '
    "contacts but no positions (the pelvis passing over the foot, the foot's highest and "
    "most forward points), so mid-stance, take-off, mid-swing and terminal swing need video "
    "or motion capture. Loading and flight are given.</p>")


def phases_section(summary: dict, strides: pd.DataFrame) -> str:
    """Stacked phase bars per side and the same numbers as a table."""
    means = plots.phase_means(summary, strides)
    partial = not means
    means = means or plots.phase_means(summary, strides, complete=False)
    if not means:
        return ('<section id="phases"><h2>Phases of the stride</h2><p class="sl-note">No '
                "phase data in these results.</p></section>")
    svg = plots.phase_bars_svg(summary, strides) if not partial else (
        PARTIAL_SENSORS if summary.get("kind") == "wearable sensors" else PARTIAL_REAR)
    sides = [s for s in ("L", "R") if s in means]
    head = "".join(f'<th class="sl-{s.lower()}">{plots.SIDE_NAMES[s]}</th>' for s in sides)
    rows = "".join(
        f"<tr><td>{e(label(f'{p}_pct'))}</td>"
        + "".join(f"<td>{fmt(means[s].get(p), '%')}</td>" for s in sides) + "</tr>"
        for p in (*plots.PHASES, "flight"))
    return (
        '<section id="phases"><h2>Phases of the stride</h2>'
        f'<figure><div class="sl-fig-scroll">{svg}</div><figcaption>Mean share of the stride '
        "per phase (% of stride). Stance: initial contact (loading, the first 20 % of stance), "
        "mid-stance (to the pelvis passing over the foot), take-off (to toe-off). Swing: "
        "initial swing (to the foot's highest point), mid-swing (to its most forward point), "
        "terminal swing (to the next contact). Flight, when neither foot is on the ground, "
        "overlaps the start of swing.</figcaption></figure>"
        '<div class="sl-table-wrap"><table class="sl-data">'
        f"<thead><tr><th>Phase (% of stride)</th>{head}</tr>"
        f"</thead><tbody>{rows}</tbody></table></div></section>")


def angles_section(angles: pd.DataFrame | None, strides: pd.DataFrame) -> str:
    """Joint-angle curves over the normalised stride, or a note when there are none."""
    svgs = plots.angle_curve_svgs(angles, strides)
    if not svgs:
        why = ("this analysis has no angles.csv (written by the kinematics stage)"
               if angles is None else "angles.csv has no per-side joint angle that overlaps "
               "the strides")
        return ('<section id="angles"><h2>Joint angles over the stride</h2>'
                f'<p class="sl-note">No joint-angle curves: {e(why)}.</p></section>')
    figures = "".join(f'<figure><div class="sl-fig-scroll">{s}</div></figure>' for s in svgs)
    return ('<section id="angles"><h2>Joint angles over the stride</h2>'
            f'<div class="sl-grid">{figures}</div><p class="sl-note">Mean (line) and \u00b1 1 SD '
            "(band) per side over the stride, from initial contact (0 %) to the next initial "
            "contact of the same foot (100 %). Shaded: stance; dashed: each side's toe-off."
            "</p></section>")


def symmetry_section(summary: dict) -> str:
    """The left/right comparison chart."""
    svg = plots.symmetry_svg(summary)
    if svg is None:
        return ""
    return ('<section id="symmetry"><h2>Left and right compared</h2>'
            f'<figure><div class="sl-fig-scroll">{svg}</div><figcaption>Symmetry index per '
            f"metric, {e(SI_FORMULA)}, with the left and right means. Bars to the right: the "
            "right side's value is larger.</figcaption></figure></section>")


def _finding(f: Finding) -> str:
    sev = f.severity if f.severity in SEVERITIES else "unknown"
    side = {"L": " (left)", "R": " (right)"}.get(f.side or "", "")
    shown_unit = "" if f.unit in ("ratio", "fraction") else f.unit
    value = (f"{fmt(f.value, f.unit)} {shown_unit}".strip() if finite(f.value)
             else "not measurable from this input")
    value_class = "sl-value" if finite(f.value) else "sl-value sl-none"
    conf = f" \u00b7 <b>Confidence:</b> {f.confidence:.0%}" if finite(f.confidence) else ""
    if finite(f.confidence) and f.confidence < threshold("program.min_finding_confidence"):
        conf += (" \u00b7 <b>Doubtful:</b> the measure may be wrong; shown, not acted on in "
                 "the program")
    source = f'<p class="sl-meta"><b>Source:</b> {e(f.source)}</p>'
    if f.other_view:
        body = ('<div class="sl-views"><div class="sl-view"><h4>What the evidence says</h4>'
                f"<p>{e(f.explanation)}</p>{source}</div><div class=\"sl-view\"><h4>The other "
                f"view</h4><p>{e(f.other_view)}</p></div></div>")
    else:
        body = f"<p>{e(f.explanation)}</p>{source}"
    injuries = (f'<p class="sl-meta"><b>Associated with:</b> {e(", ".join(f.injuries))}</p>'
                if f.injuries else "")
    targets = (f'<p class="sl-meta"><b>What to train:</b> '
               f'{e(", ".join(TARGETS.get(t, t) for t in f.targets))}</p>' if f.targets else "")
    return (
        f'<article class="sl-finding sl-{sev}" data-key="{e(f.key)}"><div class="sl-finding-head">'
        f'<h3>{e(f.title)}{e(side)}</h3><span class="{value_class}">{e(value)}</span>'
        f'<span class="sl-badge sl-{sev}">{e(f.severity)}</span>'
        f'<span class="sl-badge sl-grade">evidence: {e(f.evidence)}</span></div>'
        f'<p class="sl-meta"><b>Band:</b> {e(f.band)}{conf}</p>{body}{injuries}{targets}'
        "</article>")


def _assessment_notes(doc: Mapping) -> str:
    notes = [e(n) for n in doc.get("notes") or []]
    if doc.get("not_assessed"):
        notes.append("Measured but not assessed (no evidence-graded threshold): "
                     + e(", ".join(label(str(k)) for k in doc["not_assessed"])))
    if isinstance(doc.get("not_measurable"), Mapping) and doc["not_measurable"]:
        notes.append("Not measurable from this input: " + e("; ".join(
            f"{label(str(k))} ({v})" for k, v in doc["not_measurable"].items())))
    return "".join(f"<li>{n}</li>" for n in notes)


def findings_section(findings: Sequence[Finding | dict] | Mapping | None) -> str:
    """Findings, most important first; a note when the assessment has not run.

    ``findings`` is a list of findings (objects or dicts) or the ``findings.json`` document
    (``{"findings": [...], "notes": [...], "not_assessed": [...], "not_measurable": {...}}``).
    """
    if findings is None:
        return ('<section id="findings"><h2>Findings</h2><p class="sl-note">No assessment '
                "yet: findings appear here once the assessment stage has run on these "
                "results.</p></section>")
    doc = findings if isinstance(findings, Mapping) else {"findings": findings}
    items = [f if isinstance(f, Finding) else Finding.from_dict(f)
             for f in doc.get("findings") or []]
    rank = {s: i for i, s in enumerate(reversed(SEVERITIES))}
    items.sort(key=lambda f: rank.get(f.severity, len(rank)))
    cards = "".join(_finding(f) for f in items) or '<p class="sl-note">No findings.</p>'
    notes = _assessment_notes(doc)
    return (f'<section id="findings"><h2>Findings</h2><div class="sl-findings">{cards}</div>'
            + (f'<ul class="sl-note">{notes}</ul>' if notes else "") + "</section>")


def program_section(fragment: str | None) -> str:
    """The strength and balance program (trusted fragment from ``stridelab.program.render``)."""
    if not fragment:
        return ('<section id="program"><h2>Strength and balance program</h2><p class="sl-note">'
                "No program yet: run <code>stridelab plan</code>.</p></section>")
    return f'<section id="program"><h2>Strength and balance program</h2>{fragment}</section>'


def no_strides_section(summary: dict) -> str:
    """What a summary without strides (a watch file's) cannot show, and what would show it."""
    source = e(summary.get("source") or "a watch file")
    return ('<section id="strides"><h2>Phases, joint angles and left/right</h2>'
            f"<p>These results come from {source}: averages over the run, without the "
            "single strides. The phases of the stride, the joint angles over the stride and "
            "the left/right comparison need the strides of a video (<code>stridelab analyze "
            "clip.mp4</code>) or of a motion-capture recording.</p></section>")


def stride_sections(summary: dict, strides: pd.DataFrame | None,
                    angles: pd.DataFrame | None) -> list[str]:
    """Phases, joint angles and left/right; a note on what they need when there are no strides."""
    if strides is None:
        return [no_strides_section(summary)]
    return [phases_section(summary, strides), angles_section(angles, strides),
            symmetry_section(summary)]


def render_html(summary: dict, strides: pd.DataFrame | None,
                angles: pd.DataFrame | None = None,
                findings: Sequence[Finding | dict] | Mapping | None = None,
                program_html: str | None = None, generated: datetime | None = None) -> str:
    """The whole report as one HTML string (see :func:`stridelab.report.write_report`).

    ``strides`` is ``None`` for a summary without strides (a watch file's).
    """
    generated = generated or datetime.now().astimezone()
    name = Path(str(summary.get("file") or "")).name
    body = "".join([
        header(summary, generated), metrics_section(summary), session_section(summary),
        filming_section(summary), *stride_sections(summary, strides, angles),
        findings_section(findings), program_section(program_html)])
    return html_document(f"Running gait report{': ' + name if name else ''}", body, generated)


def html_document(title: str, body: str, generated: datetime, disclaimer: bool = True,
                  css: str = "") -> str:
    """A self-contained report page: the CSP, the style, ``body`` and the footer.

    Parameters
    ----------
    title
        The page title (plain text; escaped here).
    body
        The page's HTML inside ``<main>``.
    generated
        When it was written (the footer's date).
    disclaimer
        Show :data:`DISCLAIMER` in the footer.
    css
        Style added after the shared one.
    """
    lead = f"<p><strong>{e(DISCLAIMER)}</strong></p>" if disclaimer else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{CSS}{css}</style></head><body><main>{body}</main>"
        f"<footer>{lead}<p>Written by stridelab {e(__version__)} on {generated:%Y-%m-%d}. "
        "Every threshold, with its source and evidence grade, is listed in "
        "stridelab/data/thresholds.csv.</p></footer></body></html>\n")
