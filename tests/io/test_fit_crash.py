"""A FIT file that makes fitfast panic (issue 13, point 10): one-line rejection, no traceback."""

from __future__ import annotations

import pytest

from stridelab.errors import DecoderError
from stridelab.io.activity import read_activity
from stridelab.io.activity.fit import read_fit

pytestmark = pytest.mark.usefixtures("no_children_left")

# A field definition's base type 0x86 (uint32) turned into 0x7C: fitfast 0.1 divides by its size 0
PANIC_OFFSET, PANIC_VALUE = 137, 0x7C


@pytest.fixture(scope="module")
def panicking_fit(shared_file) -> bytes:
    data = bytearray(shared_file("activities/activity-small-fenix2-run.fit").read_bytes())
    assert data[PANIC_OFFSET] == 0x86
    data[PANIC_OFFSET] = PANIC_VALUE
    return bytes(data)


def test_the_panic_is_a_one_line_rejection(panicking_fit):
    with pytest.raises(DecoderError) as caught:
        read_activity(panicking_fit, "fenix2-damaged.fit", "fit")
    message = str(caught.value)
    assert message.startswith("fenix2-damaged.fit: cannot be read (decoder crashed: fitfast: "
                              "Rust panic, attempt to calculate the remainder")
    assert "Garmin FIT SDK: FIT Runtime Error" in message  # the reference decoder was tried
    assert "\n" not in message


def test_fitfast_alone_reports_the_crash(panicking_fit):
    with pytest.raises(DecoderError, match=r"^x\.fit: cannot be read \(decoder crashed: Rust"):
        read_fit(panicking_fit, "x.fit", decoder="fitfast")
