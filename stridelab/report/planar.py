"""Drawing straight on 4:2:0 video planes: luma at full size, the two colour planes at half.

The annotated video is encoded as 4:2:0 (what every player reads). Drawing on its planes
skips converting each frame to RGB and back (~0.7 ms of ~4.5 ms a frame at 540 x 960). Luma
gets every shape at full size; the colour planes get it at half size (OpenCV's ``shift`` puts
points on half pixels), which is what 4:2:0 keeps of a shape drawn in RGB anyway. Colours are
converted as OpenCV's ``COLOR_RGB2YUV_I420`` converts pictures (BT.601, video range).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from stridelab.pose.video import split_i420


@functools.lru_cache(maxsize=64)
def yuv_of(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The ``(Y, U, V)`` of an RGB colour, as the frames are converted."""
    import cv2

    planes = cv2.cvtColor(np.full((2, 2, 3), rgb, np.uint8), cv2.COLOR_RGB2YUV_I420)
    return int(planes[0, 0]), int(planes[2, 0]), int(planes[2, 1])


@dataclass(frozen=True)
class Sprite:
    """A drawing made once and blended in many times (see :meth:`PlanarCanvas.paste`).

    ``ink`` and ``cover`` (0-1) per plane: luma at full size, then U and V at half size;
    ``ascent``: pixels from the sprite's top to the text baseline.
    """

    ink: tuple[np.ndarray, np.ndarray, np.ndarray]
    cover: tuple[np.ndarray, np.ndarray]
    ascent: int


@functools.lru_cache(maxsize=128)
def outlined_text(text: str, rgb: tuple[int, int, int], scale: float) -> Sprite:
    """``text`` in colour ``rgb`` with a black outline, as a :class:`Sprite`.

    The phase labels change a few times a stride; drawing each once and blending it in is a
    quarter of the cost of drawing it on every frame.
    """
    import cv2

    (w, h), below = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 5)
    pad = 4
    height = (h + below + 2 * pad + 1) // 2 * 2
    width = (w + 2 * pad + 1) // 2 * 2
    ink = np.zeros((height, width, 3), np.uint8)
    cover = np.zeros((height, width), np.uint8)
    origin = (pad, h + pad)
    # the outline's cover, then the letters on black: the letters come outlined
    cv2.putText(cover, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, 255, 5, cv2.LINE_AA)
    cv2.putText(ink, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, rgb, 2, cv2.LINE_AA)
    y, u, v = split_i420(cv2.cvtColor(ink, cv2.COLOR_RGB2YUV_I420))
    full = cover.astype(np.float32) / 255.0
    half = cv2.resize(full, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    return Sprite(ink=(y, u, v), cover=(full, half), ascent=h + pad)


class PlanarCanvas:
    """Shapes and text drawn on a frame's 4:2:0 planes ``(h * 3/2, w)``, in place.

    Coordinates are full-size pixels; ``h`` and ``w`` must be even.
    """

    def __init__(self, planes: np.ndarray) -> None:
        self.y, self.u, self.v = split_i420(planes)  # views: drawing changes ``planes``
        self.height, self.width = self.y.shape

    def line(self, a: tuple[int, int], b: tuple[int, int], rgb: tuple[int, int, int],
             thickness: int) -> None:
        """An antialiased line from ``a`` to ``b``."""
        import cv2

        y, u, v = yuv_of(rgb)
        cv2.line(self.y, a, b, y, thickness, cv2.LINE_AA)
        half = max(1, round(thickness / 2))
        for plane, value in ((self.u, u), (self.v, v)):
            cv2.line(plane, a, b, value, half, cv2.LINE_AA, shift=1)

    def circle(self, centre: tuple[int, int], radius: int, rgb: tuple[int, int, int],
               thickness: int) -> None:
        """An antialiased circle (``thickness`` -1: filled)."""
        import cv2

        y, u, v = yuv_of(rgb)
        cv2.circle(self.y, centre, radius, y, thickness, cv2.LINE_AA)
        half = thickness if thickness < 0 else max(1, round(thickness / 2))
        for plane, value in ((self.u, u), (self.v, v)):
            cv2.circle(plane, centre, radius, value, half, cv2.LINE_AA, shift=1)

    def text(self, text: str, origin: tuple[int, int], scale: float,
             rgb: tuple[int, int, int], thickness: int) -> None:
        """Text in OpenCV's simplex font with its baseline starting at ``origin``."""
        import cv2

        y, u, v = yuv_of(rgb)
        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.putText(self.y, text, origin, font, scale, y, thickness, cv2.LINE_AA)
        half = (origin[0] // 2, origin[1] // 2)
        for plane, value in ((self.u, u), (self.v, v)):
            cv2.putText(plane, text, half, font, scale / 2, value, max(1, thickness // 2),
                        cv2.LINE_AA)

    def paste(self, sprite: Sprite, origin: tuple[int, int]) -> None:
        """Blend ``sprite`` in with its text baseline at ``origin`` (clipped to the frame)."""
        import cv2

        x = (origin[0] - 4) // 2 * 2
        top = (origin[1] - sprite.ascent) // 2 * 2
        if x < 0 or top < 0:
            return
        h = min(sprite.ink[0].shape[0], self.height - top) // 2 * 2
        w = min(sprite.ink[0].shape[1], self.width - x) // 2 * 2
        if h <= 0 or w <= 0:
            return
        for k, plane in enumerate((self.y, self.u, self.v)):
            d = 1 if k == 0 else 2
            cover = np.ascontiguousarray(sprite.cover[min(k, 1)][: h // d, : w // d])
            ink = np.ascontiguousarray(sprite.ink[k][: h // d, : w // d])
            roi = plane[top // d: (top + h) // d, x // d: (x + w) // d]
            roi[:] = cv2.blendLinear(ink, np.ascontiguousarray(roi), cover, 1.0 - cover)
