"""Nothing is lost under SIGKILL, in any phase of the families of text:
SeqGAN (MLE, discriminator pre-training, adversarial) and MaskGAN (MaskMLE,
adversarial); see test_kill_resume.py."""
import random

import pytest

from gentk.data import paths
from tests.training import kill_util
from tests.training.kill_util import Family

FAMILIES = {
    # MLE 0..20, discriminator pre-training 20..22, adversarial 22..25
    # (calls of 5 steps, checkpoints every 10 and at each phase's end); the
    # NLL-oracle curve monitored (on 32 samples) at the ends of MLE and
    # every 3 adversarial steps; batches of 16 and 32 negatives per d-step.
    "seqgan": Family("seqgan_oracle:quick", (
        "eval.num_samples=32", "data.batch_size=16",
        "seqgan.num_negatives=32"), needs="seqgan/oracle_lstm_params.npz"),
    # MaskMLE 0..10, adversarial 10..20 (calls of 5 steps, checkpoints every
    # 10).
    "maskgan": Family("maskgan_coco:quick", needs="text/image_coco.txt"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FAMILIES))
def test_killed_in_every_phase_resumes_identically(name, tmp_path):
  family = FAMILIES[name]
  if not (paths.data_dir() / family.needs).exists():
    pytest.skip(f"needs $GENTK_DATA_DIR/{family.needs}")
  print(kill_util.check_kill_and_resume(
      family, tmp_path, random.Random(f"kill {name}"),
      kill_util.SAVE_POINTS[list(FAMILIES).index(name) % 2]))
