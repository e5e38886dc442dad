"""The page of ``stridelab agree``: how far apart two devices worn on one run are.

The same page rules as the gait report (:mod:`stridelab.report.page`: inline CSS and SVG, no
script, every input text escaped). Per channel, a sentence in a runner's words, the figures
and a Bland-Altman plot (Bland & Altman 1986, Lancet 327:307-310): each second's difference
against the mean of the two devices, with the mean difference (bias) and the 95 % limits of
agreement drawn as lines and their confidence intervals as bands.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure

from stridelab.report.page import e, html_document, path_html
from stridelab.svg import RC, figure_svg
from stridelab.units import MINUS, finite

PAGE_NAME = "agreement.html"

CHANNEL_WORDS: dict[str, tuple[str, int, str, str]] = {
    "contact_time_ms": ("contact time", 0, "longer", "shorter"),
    "vertical_oscillation_cm": ("vertical oscillation", 1, "higher", "lower"),
    "cadence_spm": ("cadence", 1, "higher", "lower"),
    "step_length_m": ("step length", 2, "longer", "shorter"),
    "vertical_ratio_pct": ("vertical ratio", 1, "higher", "lower"),
    "heart_rate_bpm": ("heart rate", 0, "higher", "lower"),
    "power_w": ("power", 0, "higher", "lower"),
}
"""Per channel: its name in words, decimals shown, and the words for a positive and a negative
difference."""

DEVICE_WORDS = {"hrm": "chest strap", "stryd": "foot pod", "rdpod": "running dynamics pod",
                "watch": "watch", "pod": "pod", "strap": "chest strap"}
"""Names a runner knows for common device prefixes; any other prefix is shown as written."""

PAGE_CSS = ("table.sl-agree th, table.sl-agree td { white-space: normal; }"
            " table.sl-agree .sl-nw, table.sl-agree td:nth-child(3) span { white-space: nowrap; }")
"""The page's own addition to the report style: the figures table wraps instead of scrolling."""

POINT_COLOUR, BIAS_COLOUR, LIMIT_COLOUR = "#1f5fa8", "#1d2330", "#b3261e"


def device_name(prefix: str) -> str:
    """A device prefix in words: ``"chest strap (hrm)"``, or the prefix itself."""
    words = DEVICE_WORDS.get(prefix.lower())
    return f"{words} ({prefix})" if words else prefix


def _num(value, digits: int, signed: bool = False) -> str:
    if not finite(value):
        return "\u2013"
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    if float(text.lstrip("+-") or 0) == 0:
        text = f"{0:.{digits}f}"
    return text.replace("-", MINUS)


def _range(pair, digits: int, unit: str) -> str:
    if not pair:
        return "\u2013"
    return f"{_num(pair[0], digits, True)} to {_num(pair[1], digits, True)} {unit}"


def channel_words(channel: str) -> tuple[str, int, str, str]:
    """Name, decimals and difference words of a channel (a generic fallback for others)."""
    return CHANNEL_WORDS.get(channel, (channel.rsplit("_", 1)[0].replace("_", " "), 1,
                                       "higher", "lower"))


def plain_sentence(channel: str, figures: Mapping, devices: tuple[str, str] | list[str],
                   coverage: float = 0.95) -> str:
    """The agreement of one channel in a runner's words.

    Parameters
    ----------
    channel
        Channel key (``contact_time_ms`` ...).
    figures
        The channel's entry of ``agreement.json`` (``bias``, ``bias_ci``, ``lower``,
        ``upper``, ``central``, ``n``, ``unit``).
    devices
        The two device prefixes, the difference being the first minus the second.
    coverage
        The limits' coverage (0.95).

    Returns
    -------
    str
        E.g. "The chest strap (hrm) reads contact time 12 ms longer than the foot pod (stryd)
        on average (95 % CI +8 to +16 ms); 95 % of seconds are expected within −20 to +44 ms
        of each other (hrm minus stryd: the limits of agreement). On this run ...".
    """
    name, digits, more, less = channel_words(channel)
    unit = figures.get("unit", "")
    a, b = (device_name(d) for d in devices)
    bias = float(figures["bias"])
    ci = figures.get("bias_ci") or [bias, bias]
    pct = f"{100 * coverage:.0f} %"
    shown = _num(abs(bias), digits)
    interval = f"{pct} CI {_range(ci, digits, unit)}"
    if float(shown.replace(MINUS, "-")) == 0:
        first = f"The {a} and the {b} read {name} the same on average ({interval})"
    else:
        first = (f"The {a} reads {name} {shown} {unit} {more if bias > 0 else less} than the "
                 f"{b} on average")
        first += (f", a gap this run cannot tell from none ({interval})" if ci[0] <= 0 <= ci[1]
                  else f" ({interval})")
    second = (f"; {pct} of seconds are expected within {_num(figures['lower'], digits, True)} "
              f"to {_num(figures['upper'], digits, True)} {unit} of each other ({devices[0]} "
              f"minus {devices[1]}: the limits of agreement)")
    central = figures.get("central")
    third = ""
    if central:
        third = (f". On this run the middle {pct} of the {figures['n']} seconds lay between "
                 f"{_num(central[0], digits, True)} and {_num(central[1], digits, True)} {unit}")
    return first + second + third + "."


def proportional_sentence(channel: str, figures: Mapping) -> str:
    """A sentence on proportional bias when the slope's CI excludes zero, else ``""``."""
    if not figures.get("proportional_bias") or figures.get("slope") is None:
        return ""
    name, _, _, _ = channel_words(channel)
    unit = figures.get("unit", "")
    lo, hi = figures["slope_ci"]
    return (f"The gap seems to change with the value: by {_num(figures['slope'], 2, True)} "
            f"{unit} for each 1 {unit} more {name} (95 % CI {_num(lo, 2, True)} to "
            f"{_num(hi, 2, True)}; Bland & Altman 1999). Such a slope also appears when one "
            "device's readings scatter more than the other's (Bland & Altman 1995, Lancet "
            "346:1085-1087), and one run spans a narrow range of values: read it as a hint.")


def ba_plot_svg(channel: str, figures: Mapping, devices: tuple[str, str] | list[str]) -> str:
    """The Bland-Altman plot of one channel as inline SVG (difference against mean)."""
    name, digits, _, _ = channel_words(channel)
    unit = figures.get("unit", "")
    pairs = figures.get("pairs") or {}
    va = np.asarray(pairs.get("a") or [], dtype=float)
    vb = np.asarray(pairs.get("b") or [], dtype=float)
    with mpl.rc_context(RC):
        fig = Figure(figsize=(6.8, 4.0), layout="constrained")
        ax = fig.add_subplot()
        ax.axhline(0, color="#999999", linewidth=0.8)
        for key, colour, style in (("bias", BIAS_COLOUR, "-"), ("lower", LIMIT_COLOUR, "--"),
                                   ("upper", LIMIT_COLOUR, "--")):
            ci = figures.get(f"{key}_ci")
            if ci:
                ax.axhspan(ci[0], ci[1], color=colour, alpha=0.10, linewidth=0)
            ax.axhline(figures[key], color=colour, linestyle=style, linewidth=1.6)
            word = {"bias": "mean", "lower": "lower limit", "upper": "upper limit"}[key]
            ax.text(1.005, figures[key], f"{word}\n{_num(figures[key], digits, True)}",
                    transform=ax.get_yaxis_transform(), va="center", ha="left", fontsize=9,
                    color=colour)
        if va.size:
            ax.scatter((va + vb) / 2, va - vb, s=9, color=POINT_COLOUR, alpha=0.35,
                       linewidths=0)
        ax.set_title(f"{name.capitalize()}: {figures.get('n', 0)} running seconds")
        ax.set_xlabel(f"mean of the two devices ({unit})")
        ax.set_ylabel(f"{devices[0]} \u2212 {devices[1]} ({unit})")
        return figure_svg(fig, f"ba-{channel}",
                          f"Bland-Altman plot of {name}: {devices[0]} minus {devices[1]} "
                          "against their mean")


def _table(doc: Mapping) -> str:
    pct = f"{100 * float(doc.get('coverage', 0.95)):.0f} %"
    rows = []
    for channel, f in (doc.get("channels") or {}).items():
        name, digits, _, _ = channel_words(channel)
        unit = f.get("unit", "")
        limit_cis = (f"CIs <span class=\"sl-nw\">{e(_range(f.get('lower_ci'), digits, ''))}"
                     f"</span> and <span class=\"sl-nw\">"
                     f"{e(_range(f.get('upper_ci'), digits, ''))}</span>")
        rows.append(
            f"<tr><td>{e(name.capitalize())} ({e(unit)})</td><td>{f['n']} ({f['n_eff']:.0f})"
            f"</td><td>{_num(f['bias'], digits + 1, True)}<br><span class=\"sl-muted\">"
            f"{e(_range(f.get('bias_ci'), digits + 1, ''))}</span></td>"
            f"<td>{_num(f['sd'], digits + 1)}</td>"
            f"<td>{_num(f['lower'], digits + 1, True)} to {_num(f['upper'], digits + 1, True)}"
            f'<br><span class="sl-muted">{limit_cis}</span></td>'
            f"<td>{_num(f['within_pct'], 1)} %</td>"
            f"<td><span class=\"sl-nw\">{e(_range(f.get('central'), digits, ''))}</span>"
            "</td></tr>")
    if not rows:
        return ""
    a, b = doc.get("devices") or ["", ""]
    return ('<section id="figures"><h2>The figures</h2><div class="sl-table-wrap">'
            '<table class="sl-data sl-agree"><thead><tr><th>Channel</th>'
            f"<th>Seconds (effective)</th><th>Bias ({pct} CI)</th><th>SD</th>"
            f"<th>{pct} limits of agreement (CIs)</th><th>Within them</th>"
            f"<th>Middle {pct}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
            f'<p class="sl-note">Differences are {e(a)} minus {e(b)}. "Effective": the number '
            "of independent seconds the confidence intervals rest on; neighbouring seconds "
            "of a pod or strap are rolling averages and repeat each other.</p></section>")


def _channels(doc: Mapping) -> str:
    devices = doc.get("devices") or ["", ""]
    coverage = float(doc.get("coverage", 0.95))
    parts = []
    for channel, f in (doc.get("channels") or {}).items():
        name = channel_words(channel)[0]
        extra = proportional_sentence(channel, f)
        parts.append(
            f'<section id="ch-{e(channel)}"><h2>{e(name.capitalize())}</h2>'
            f"<p>{e(plain_sentence(channel, f, devices, coverage))}</p>"
            + (f'<p class="sl-note">{e(extra)}</p>' if extra else "")
            + f'<figure><div class="sl-fig-scroll">{ba_plot_svg(channel, f, devices)}</div>'
            f"<figcaption>Each dot is one running second: the difference of the two devices "
            f"against their mean. Solid line: mean difference (bias); dashed: the limits of "
            f"agreement; shaded: their {100 * coverage:.0f} % confidence intervals."
            "</figcaption></figure></section>")
    return "".join(parts)


def _how(doc: Mapping) -> str:
    units = "".join(f"<li>{e(u)}</li>" for u in doc.get("units") or [])
    skipped = "".join(f"<li>{e(channel_words(c)[0])}: {e(why)}</li>"
                      for c, why in (doc.get("skipped") or {}).items())
    only = "; ".join(f"{e(d)}: {e(', '.join(channel_words(c)[0] for c in cs))}"
                     for d, cs in (doc.get("only_one_device") or {}).items())
    return ('<section id="how"><h2>How it was measured</h2>'
            f'<p class="sl-note">{e(doc.get("method", ""))}. Only seconds where both devices '
            "gave a value while running are compared, leaving out the first seconds of each "
            "running bout while the devices' averages settle. The limits assume differences "
            "spread like a normal distribution; the middle share of the seconds is the same "
            "without that assumption (Bland & Altman 1999). Agreement on one run of one "
            "runner: on another runner or course the gap may differ.</p>"
            f'<ul class="sl-note">{units}</ul>'
            + (f'<p class="sl-note">Not compared:</p><ul class="sl-note">{skipped}</ul>'
               if skipped else "")
            + (f'<p class="sl-note">Recorded by one device only: {only}.</p>' if only else "")
            + "</section>")


def render_agreement_html(doc: Mapping, generated: datetime | None = None) -> str:
    """The whole agreement page as one HTML string (from an ``agreement.json`` document)."""
    generated = generated or datetime.now().astimezone()
    devices = doc.get("devices") or ["", ""]
    warnings = "".join(f"<li>{e(w)}</li>" for w in doc.get("warnings") or [] if w)
    facts = (f'<p class="sl-muted">{path_html(Path(str(doc.get("file") or "")).name)}: '
             f"{e(device_name(devices[0]))} against {e(device_name(devices[1]))}, "
             f"{doc.get('running_settled_s', 0)} of {doc.get('rows', 0)} seconds running "
             "and settled</p>")
    head = (f'<header class="sl-head"><h1>Two devices on one run</h1>{facts}</header>'
            + (f'<aside class="sl-warnings" role="alert"><h2>\u26a0 Check before use</h2>'
               f"<ul>{warnings}</ul></aside>" if warnings else ""))
    body = "".join([head, _channels(doc), _table(doc), _how(doc)])
    return html_document("Two devices on one run", body, generated, disclaimer=False,
                         css=PAGE_CSS)


def write_agreement_page(folder: str | Path) -> Path:
    """Write ``agreement.html`` from the folder's ``agreement.json``; returns its path."""
    folder = Path(folder)
    doc = json.loads((folder / "agreement.json").read_text("utf-8"))
    path = folder / PAGE_NAME
    path.write_text(render_agreement_html(doc), encoding="utf-8")
    return path
