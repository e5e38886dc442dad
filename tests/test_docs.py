"""The documentation works: docs/python.md's examples run, and the MkDocs site builds strictly."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYTHON_PAGE = REPO / "docs" / "python.md"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def python_blocks(page: Path) -> list[tuple[int, str]]:
    """The ```python blocks of a Markdown page, with the line each starts on."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in FENCE.finditer(text)]


def test_python_page_has_examples():
    blocks = python_blocks(PYTHON_PAGE)
    assert len(blocks) >= 6
    code = "\n".join(code for _, code in blocks)
    for needle in ("stridelab.analyze(", "Recording.from_dataframe(", ".detect(rec).contacts_",
                   "Pipeline.from_preset(", "Assessment().assess(", ".save(", ".mp4"):
        assert needle in code, needle


def test_python_page_examples_run(monkeypatch, tmp_path, capsys, shared_file):
    """Every Python block of docs/python.md, in order, in one namespace, from the repo root."""
    for name in re.findall(r"\.\./shared/data/([\w./-]+)", PYTHON_PAGE.read_text()):
        shared = shared_file(name)  # skips, with the reason, where ../shared/data is absent
        if not (REPO.parent / "shared" / "data" / name).exists():
            # STRIDELAB_SHARED_DATA points elsewhere: the page's ../shared/data paths cannot work
            pytest.skip(f"docs/python.md reads ../shared/data/{name}; found only at {shared}")
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the page's outputs go here
    namespace: dict = {"__name__": "docs_python_md"}
    for line, code in python_blocks(PYTHON_PAGE):
        compiled = compile(code, f"{PYTHON_PAGE.relative_to(REPO)}:{line}", "exec")
        exec(compiled, namespace)  # noqa: S102 - the page's own examples
    printed = capsys.readouterr().out

    # what the page claims, checked
    result = namespace["result"]
    assert len(result.strides) > 50 and result.findings
    assert set(namespace["files"]) >= {"strides", "summary", "findings", "report"}
    assert all(Path(p).is_relative_to(tmp_path) and Path(p).exists()
               for p in namespace["files"].values())
    assert namespace["tuned"].summary.source.startswith("kinematics")
    assert namespace["gait"].findings == []
    assert len(namespace["contacts"]) > 50
    assert abs(namespace["from_df"].summary.metrics["cadence_spm"].mean
               - result.summary.metrics["cadence_spm"].mean) < 2
    assert namespace["assessment"].findings_
    assert "cadense_spm" in namespace["message"]
    clip = namespace["clip"]
    assert clip.summary.kind == "video" and 140 < clip.summary.metrics["cadence_spm"].mean < 200
    assert "contact_time_ms" in printed


def test_mkdocs_build_strict(tmp_path):
    """``mkdocs build --strict`` (API reference through mkdocstrings) has no warning."""
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (pip install -e '.[docs]')")
    pytest.importorskip("mkdocstrings", reason="mkdocstrings is not installed "
                        "(pip install -e '.[docs]')")
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or "mkdocs"
    run = subprocess.run([mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-4000:]
    site = tmp_path / "site"
    for page in ("index.html", "python/index.html", "api/pipeline/index.html",
                 "summary-schema/index.html", "summary.schema.json"):
        assert (site / page).is_file(), page
    assert "stridelab.pipeline.analyze" in (site / "api/pipeline/index.html").read_text()
