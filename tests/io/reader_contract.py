"""Helpers for the reader tests: seeded corruptions, a hang guard and the readers' contract.

The contract every reader keeps for any input: a valid result, or a one-line
:class:`~stridelab.errors.StridelabError` naming the file. Any other exception, a crash of the
test process or a hang (see :func:`deadline`) fails the test.
"""

from __future__ import annotations

import os
import random
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from stridelab.errors import StridelabError

KINDS = ("truncate", "flip", "header", "garbage")


def corruptions(data: bytes, seed: int, count: int, head: int = 512) -> list[tuple[str, bytes]]:
    """``count`` damaged copies of ``data``, cycling through :data:`KINDS`.

    ``truncate`` cuts the file anywhere, ``flip`` flips 1-20 bits anywhere, ``header``
    overwrites 1-8 bytes among the first ``head`` bytes, ``garbage`` appends 1-500 random
    bytes. Each copy comes with a label saying what was done (for the failure message).
    """
    rng = random.Random(seed)
    out = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        copy = bytearray(data)
        if kind == "truncate":
            cut = rng.randrange(0, len(copy))
            copy, label = copy[:cut], f"truncated to {cut} bytes"
        elif kind == "flip":
            spots = [rng.randrange(len(copy)) for _ in range(rng.randint(1, 20))]
            for spot in spots:
                copy[spot] ^= 1 << rng.randrange(8)
            label = f"bits flipped at {spots}"
        elif kind == "header":
            spots = [rng.randrange(min(head, len(copy))) for _ in range(rng.randint(1, 8))]
            for spot in spots:
                copy[spot] = rng.randrange(256)
            label = f"header bytes overwritten at {spots}"
        else:
            extra = rng.randbytes(rng.randint(1, 500))
            copy, label = copy + extra, f"{len(extra)} bytes of garbage appended"
        out.append((f"seed {seed} #{i}: {label}", bytes(copy)))
    return out


class Hang(BaseException):
    """A reader ran past its deadline (a ``BaseException``: no reader may swallow it)."""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Raise :class:`Hang` in the block after ``seconds`` (POSIX alarm)."""
    def _hang(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def keeps_contract(read: Callable[[], object], name: str | Path, label: str = "",
                   seconds: int = 30) -> object | StridelabError:
    """Run ``read``; return its result or the one-line rejection naming ``name``."""
    try:
        with deadline(seconds):
            return read()
    except StridelabError as exc:
        message = str(exc)
        assert "\n" not in message, f"{label}: rejection over several lines: {message!r}"
        assert str(name) in message, f"{label}: rejection does not name the file: {message}"
        return exc


def child_processes() -> list[int]:
    """Process ids whose parent is this process (Linux ``/proc``)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == me:
            found.append(int(entry.name))
    return found


@pytest.fixture
def no_children_left():
    """Fail when the test leaves a child process running."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs Linux /proc to list child processes")
    before = set(child_processes())
    yield
    left = set(child_processes()) - before
    assert not left, f"child processes left running: {sorted(left)}"
