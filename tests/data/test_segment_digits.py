"""Seven-segment digits: deterministic, in range, glyphs drawn as specified."""
import numpy as np

from gentk.data import segment_digits


def test_deterministic_shapes_and_range():
  a = segment_digits.segment_digits(50, seed=1)
  b = segment_digits.segment_digits(50, seed=1)
  c = segment_digits.segment_digits(50, seed=2)
  np.testing.assert_array_equal(a.images, b.images)
  assert not np.array_equal(a.images, c.images)
  assert a.images.shape == (50, 28, 28, 1) and a.images.dtype == np.float32
  assert a.labels.shape == (50,) and set(a.labels) <= set(range(10))
  assert a.images.min() == 0.0 and 0.7 <= a.images.max() <= 1.0


def test_glyph_ink_by_hand():
  # '1' at width 2: segments b (rows 5..14) and c (rows 13..22) in columns
  # 18..19 overlap on rows 13..14: rows 5..22 lit, 18 rows x 2 columns.
  one = segment_digits._template(1, 2)
  assert one.sum() == 18 * 2
  assert np.all(one[5:23, 18:20] == 1.0)
  # Every lit pixel of any digit is lit in '8' (all seven segments).
  eight = segment_digits._template(8, 3)
  for d in range(10):
    assert np.all(eight >= segment_digits._template(d, 3))
