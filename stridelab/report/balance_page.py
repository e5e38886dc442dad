"""The report of a balance session (``stridelab balance``): one self-contained HTML page.

The same page rules as the gait report (:mod:`stridelab.report.page`: inline CSS and SVG, no
script, every input text escaped): the sway measures per condition, the Romberg quotients, the
stabilogram and statokinesigram of each condition (:func:`stridelab.balance.plots.
figures_from_folder`) and the findings with their evidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from stridelab.report.page import e, findings_section, html_document
from stridelab.units import finite

REPORT_NAME = "report.html"

MEASURES = (
    ("duration_s", "Trial length (s)", 1),
    ("hold_time_s", "Single-leg hold (s)", 1),
    ("mean_velocity_mm_s", "Mean sway velocity (mm/s)", 1),
    ("mean_velocity_ap_mm_s", "Velocity, front-back (mm/s)", 1),
    ("mean_velocity_ml_mm_s", "Velocity, side to side (mm/s)", 1),
    ("rms_ap_mm", "RMS, front-back (mm)", 2),
    ("rms_ml_mm", "RMS, side to side (mm)", 2),
    ("range_ap_mm", "Range, front-back (mm)", 1),
    ("range_ml_mm", "Range, side to side (mm)", 1),
    ("path_length_mm", "Path length (mm)", 0),
    ("ellipse_area_mm2", "95 % prediction ellipse (mm\u00b2)", 0),
    ("median_freq_ap_hz", "Median frequency, front-back (Hz)", 2),
    ("f95_ap_hz", "95 % frequency, front-back (Hz)", 2),
    ("load_share_left_pct", "Load on the left foot (%)", 1),
    ("load_symmetry_index_pct", "Load symmetry index (%)", 1),
)
"""Measure key, its name in the report, decimals."""


def _number(value, digits: int) -> str:
    return f"{value:.{digits}f}".replace("-", "\u2212") if finite(value) else "\u2013"


def measures_section(doc: Mapping) -> str:
    """One column per condition, one row per measure any condition has."""
    conditions = doc.get("conditions") or {}
    if not conditions:
        return ""
    names = list(conditions)
    values = {n: (conditions[n].get("measures") or {}) for n in names}
    rows = []
    for key, label, digits in MEASURES:
        if not any(finite(values[n].get(key)) for n in names):
            continue
        cells = "".join(f"<td>{_number(values[n].get(key), digits)}</td>" for n in names)
        rows.append(f"<tr><td>{e(label)}</td>{cells}</tr>")
    head = "".join(f"<th>{e(n)} ({conditions[n].get('trials', 1)} trial(s))</th>"
                   for n in names)
    return ('<section id="measures"><h2>Sway measures</h2><div class="sl-table-wrap">'
            f'<table class="sl-data"><thead><tr><th>Measure</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>{_methods(doc)}</section>")


def _methods(doc: Mapping) -> str:
    methods = doc.get("methods") or {}
    items = "".join(f"<li>{e(k.replace('_', ' '))}: {e(v)}</li>" for k, v in methods.items())
    return f'<p class="sl-note">How:</p><ul class="sl-note">{items}</ul>' if items else ""


def romberg_section(doc: Mapping) -> str:
    """The Romberg quotients (eyes closed over eyes open), where both were measured."""
    quotients = doc.get("romberg_quotient") or {}
    rows = []
    for stance, by_measure in quotients.items():
        labels = {k: label for k, label, _ in MEASURES}
        for key, value in (by_measure or {}).items():
            rows.append(f"<tr><td>{e(stance)}</td><td>{e(labels.get(key, key))}</td>"
                        f"<td>{_number(value, 2)}</td></tr>")
    if not rows:
        return ""
    return ('<section id="romberg"><h2>Eyes closed against eyes open (Romberg quotient)</h2>'
            '<p class="sl-note">Each measure with the eyes closed divided by the same measure '
            "with the eyes open: above 1, the runner sways more without sight.</p>"
            '<div class="sl-table-wrap"><table class="sl-data"><thead><tr><th>Stance</th>'
            "<th>Measure</th><th>Quotient</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></section>")


def figures_section(figures: list[tuple[str, str]]) -> str:
    """Each condition's stabilogram and statokinesigram (trusted SVG from Matplotlib)."""
    if not figures:
        return ""
    body = "".join(f'<figure><div class="sl-fig-scroll">{svg}</div><figcaption>{e(name)}'
                   "</figcaption></figure>" for name, svg in figures)
    return ('<section id="sway"><h2>Centre of pressure over time and seen from above</h2>'
            f"{body}</section>")


def render_balance_html(doc: Mapping, findings: Mapping | None,
                        figures: list[tuple[str, str]], generated: datetime | None = None
                        ) -> str:
    """The whole balance report as one HTML string."""
    generated = generated or datetime.now().astimezone()
    files = ", ".join(Path(str(t.get("file") or "")).name for t in doc.get("trials") or [])
    warnings = "".join(f"<li>{e(w)}</li>" for w in doc.get("warnings") or [] if w)
    head = (f'<header class="sl-head"><h1>Balance report</h1><p class="sl-muted">{e(files)}'
            f"</p></header>" + (f'<aside class="sl-warnings" role="alert"><h2>\u26a0 Check '
                                f"before use</h2><ul>{warnings}</ul></aside>"
                                if warnings else ""))
    body = "".join([head, measures_section(doc), romberg_section(doc),
                    figures_section(figures), findings_section(findings)])
    return html_document("Balance report", body, generated)


def write_balance_report(folder: str | Path) -> Path:
    """Write ``report.html`` for a ``stridelab balance`` results folder; returns its path."""
    import json

    from stridelab.balance.plots import figures_from_folder

    folder = Path(folder)
    doc = json.loads((folder / "balance.json").read_text("utf-8"))
    findings_path = folder / "findings.json"
    findings = (json.loads(findings_path.read_text("utf-8")) if findings_path.is_file()
                else None)
    path = folder / REPORT_NAME
    path.write_text(render_balance_html(doc, findings, figures_from_folder(folder)),
                    encoding="utf-8")
    return path
