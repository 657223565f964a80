"""Seven-segment digits: a small MNIST-shaped data set made without any files.

For smoke runs and tests on machines without MNIST (no `$GENTK_DATA_DIR`, no
internet): 28 x 28 x 1 images in [0, 1] of the digits 0-9 drawn as the
segments of a seven-segment display, each randomly translated (up to 3 pixels
each way), with stroke width 2 or 3 and ink intensity in [0.7, 1]. The same
`seed` gives the same arrays. Not a substitute for MNIST in any measurement.
"""
import numpy as np

from gentk.data.mnist import IMAGE_SHAPE
from gentk.data.mnist import Mnist

# Segments a..g (top, top right, bottom right, bottom, bottom left, top left,
# middle) lit for each digit.
SEGMENTS = ("abcdef", "bc", "abdeg", "abcdg", "bcfg", "acdfg", "acdefg", "abc",
            "abcdefg", "abcdfg")
_TOP, _MID, _BOTTOM, _LEFT, _RIGHT = 5, 13, 21, 9, 18  # Glyph corners.


def _template(digit: int, width: int) -> np.ndarray:
  """The centred glyph of `digit` with strokes `width` pixels wide."""
  img = np.zeros(IMAGE_SHAPE[:2], np.float32)
  horizontal = {"a": _TOP, "g": _MID, "d": _BOTTOM}
  vertical = {"f": (_LEFT, _TOP, _MID), "b": (_RIGHT, _TOP, _MID),
              "e": (_LEFT, _MID, _BOTTOM), "c": (_RIGHT, _MID, _BOTTOM)}
  for s in SEGMENTS[digit]:
    if s in horizontal:
      row = horizontal[s]
      img[row:row + width, _LEFT:_RIGHT + width] = 1.0
    else:
      col, top, bottom = vertical[s]
      img[top:bottom + width, col:col + width] = 1.0
  return img


def segment_digits(num: int, *, seed: int = 0) -> Mnist:
  """`num` random seven-segment digits as an `Mnist` (images, labels).

  Args:
    num: number of images.
    seed: NumPy seed; the same seed gives the same data.
  Returns:
    `Mnist(images [num, 28, 28, 1] float32 in [0, 1], labels [num] int32)`.
  """
  rng = np.random.default_rng(seed)
  labels = rng.integers(0, 10, num).astype(np.int32)
  widths = rng.integers(2, 4, num)
  shifts = rng.integers(-3, 4, (num, 2))
  ink = rng.uniform(0.7, 1.0, num).astype(np.float32)
  templates = np.stack([[_template(d, w) for w in (2, 3)] for d in range(10)])
  images = templates.astype(np.uint8)[labels, widths - 2]  # [N, 28, 28]
  # Translation as a cyclic roll (the glyphs' margins exceed the shifts):
  # rolled[i, j] = image[(i - s_0) % 28, (j - s_1) % 28].
  pixels = np.arange(IMAGE_SHAPE[0])
  rows = (pixels[None, :] - shifts[:, :1]) % IMAGE_SHAPE[0]
  cols = (pixels[None, :] - shifts[:, 1:]) % IMAGE_SHAPE[1]
  images = np.take_along_axis(images, rows[:, :, None], axis=1)
  images = np.take_along_axis(images, cols[:, None, :], axis=2)
  return Mnist((images * ink[:, None, None])[..., None].astype(np.float32),
               labels)
