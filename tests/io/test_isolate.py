"""The decoder child: a crash, a hang or a runaway allocation there becomes a one-line error."""

from __future__ import annotations

import os
import time

import pytest

from stridelab.errors import DecoderError, InputFileError
from stridelab.io.isolate import decode_isolated, decoder_limits, decoder_session

pytestmark = pytest.mark.usefixtures("no_children_left")


def test_a_result_comes_back():
    assert decode_isolated("math:hypot", (3.0, 4.0), "f.bin", 10) == 5.0


@pytest.mark.parametrize(("target", "args", "words"), [
    ("ctypes:string_at", (0,), "decoder crashed: segmentation fault"),
    ("os:abort", (), "decoder crashed: aborted"),
])
def test_a_crash_becomes_one_line_naming_the_file(target, args, words):
    with pytest.raises(DecoderError) as caught:
        decode_isolated(target, args, "upload.c3d", 10)
    assert str(caught.value) == f"upload.c3d: cannot be read ({words})"


def test_a_runaway_allocation_hits_the_memory_limit():
    with pytest.raises(DecoderError, match="ran out of memory"):
        decode_isolated("builtins:bytearray", (10**11,), "big.c3d", 10)


def test_a_hang_is_ended_at_the_timeout(monkeypatch):
    monkeypatch.setenv("STRIDELAB_DECODER_TIMEOUT_S", "1")
    start = time.monotonic()
    with pytest.raises(DecoderError, match="did not finish within 1 s"):
        decode_isolated("time:sleep", (30,), "slow.fit", 10)
    assert time.monotonic() - start < 10


def test_the_decoders_own_rejection_passes_through(tmp_path):
    path = tmp_path / "not.c3d"
    path.write_bytes(b"\x02\x50" + b"\x00" * 600)
    with pytest.raises(InputFileError) as caught:
        decode_isolated("stridelab.io.c3d_native:decode", (str(path),), path, 602)
    assert not isinstance(caught.value, DecoderError)
    assert str(path) in str(caught.value)


def test_an_unexpected_exception_is_one_line():
    with pytest.raises(DecoderError, match=r"^f\.json: cannot be read \(JSONDecodeError: "):
        decode_isolated("json:loads", ("{",), "f.json", 1)


def test_a_session_keeps_one_child_and_replaces_a_crashed_one():
    with decoder_session():
        first = decode_isolated("os:getpid", (), "a", 1)
        assert decode_isolated("os:getpid", (), "b", 1) == first
        with pytest.raises(DecoderError):
            decode_isolated("os:abort", (), "c", 1)
        after = decode_isolated("os:getpid", (), "d", 1)
        assert after != first
    assert after != os.getpid()


def test_without_a_session_each_call_has_its_own_child():
    assert decode_isolated("os:getpid", (), "a", 1) != decode_isolated("os:getpid", (), "b", 1)


def test_limits_grow_with_the_file(monkeypatch):
    monkeypatch.delenv("STRIDELAB_DECODER_TIMEOUT_S", raising=False)
    monkeypatch.delenv("STRIDELAB_DECODER_MEMORY_MB", raising=False)
    small, large = decoder_limits(1_000), decoder_limits(100_000_000)
    assert large.timeout_s > small.timeout_s and large.memory_bytes > small.memory_bytes
    monkeypatch.setenv("STRIDELAB_DECODER_MEMORY_MB", "300")
    assert decoder_limits(1_000).memory_bytes == 300 * 2**20


def test_a_limit_that_is_not_a_number_is_named(monkeypatch):
    from stridelab.errors import StridelabError

    monkeypatch.setenv("STRIDELAB_DECODER_TIMEOUT_S", "soon")
    with pytest.raises(StridelabError, match="STRIDELAB_DECODER_TIMEOUT_S must be a positive"):
        decoder_limits(10)
