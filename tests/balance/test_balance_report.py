"""A balance session's report: measures per condition, Romberg quotients, sway figures."""

from __future__ import annotations

from typer.testing import CliRunner

from stridelab.cli.main import app
from stridelab.report import report_folder


def test_balance_command_writes_a_report_with_both_conditions(shared_file, tmp_path):
    files = [shared_file("balance/acuna/eyesOpen_1.csv"),
             shared_file("balance/acuna/eyesClosed_1.csv")]
    out = tmp_path / "bal"
    res = CliRunner().invoke(app, ["balance", *map(str, files), "--eyes", "open,closed",
                                   "--out", str(out), "--no-store"])
    assert res.exit_code == 0, res.output
    html = (out / "report.html").read_text()
    for text in ("Sway measures", "double, eyes open", "double, eyes closed",
                 "Romberg quotient", "Statokinesigram", "<svg"):
        assert text in html, text
    assert "<script" not in html
    (out / "report.html").unlink()
    assert report_folder(out)["html"].read_text().count("<svg") >= 2  # stridelab report too
