"""Matplotlib figures as SVG elements to inline in a self-contained HTML page.

The report (:mod:`stridelab.report.plots`) and the balance figures
(:mod:`stridelab.balance.plots`) share one style and one serialisation: text kept as text,
no prolog and no metadata (the same figure gives the same bytes), the natural width as a CSS
variable the page scales to, and the title as the element's accessible label.
"""

from __future__ import annotations

import io
import re

import matplotlib as mpl
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

RC = {"svg.fonttype": "none", "font.size": 11, "axes.spines.top": False,
      "axes.spines.right": False, "axes.titlesize": 12, "axes.titleweight": "bold"}
"""Matplotlib settings of every stridelab figure."""


def attribute(text: str) -> str:
    """``text`` escaped for an HTML attribute value."""
    return (text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
            .replace(">", "&gt;"))


def figure_svg(fig: Figure, salt: str, title: str) -> str:
    """Serialise ``fig`` to an ``<svg>`` element ready to inline in HTML.

    Parameters
    ----------
    fig
        The figure.
    salt
        Makes the SVG's internal ids unique on a page holding several figures.
    title
        The figure's accessible label (``aria-label``).
    """
    buf = io.StringIO()
    with mpl.rc_context({**RC, "svg.hashsalt": f"stridelab-{salt}"}):
        FigureCanvasSVG(fig)
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.S)
    # natural width (pt -> CSS px) as the most the page scales it up to (report/style.py)
    width_px = fig.get_figwidth() * 104
    return re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"',
                  rf'<svg\1 class="sl-plot" style="--w:{width_px:.0f}px" role="img" '
                  rf'aria-label="{attribute(title)}"', text, count=1)
