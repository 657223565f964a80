r"""Steps/s of the DCGAN GAN step in PyTorch eager mode: the reference for
`experiments.benchmarks.dcgan` on a CPU.

  pip install torch    # not a gentk dependency
  python -m experiments.benchmarks.dcgan_torch --repeats=3 --seconds=5

The same players as `gentk.models.dcgan` with `upsample='transposed'` (width
W = 64, latent 64, MNIST shapes): G is a dense layer to 7 x 7 x 2W, batch
norm, ReLU, a 4 x 4 stride-2 transposed convolution to W, batch norm, ReLU,
a 4 x 4 stride-2 transposed convolution to 1 and a sigmoid; D is a 4 x 4
stride-2 convolution to W, leaky ReLU 0.2, one to 2W without bias, batch
norm, leaky ReLU 0.2 and a dense logit. One step: a discriminator update on
a batch of uniform noise against G(z) and a non-saturating generator update,
Adam 2e-4 with beta1 0.5 for both. The players have gentk's parameter
counts (546,177 and 138,689 at W = 64). Prints the torch version, its thread
count, and steps/s (median of `--repeats` timings of `--seconds` each).
"""
import statistics
import time

from absl import app
from absl import flags

_BATCH = flags.DEFINE_integer("batch", 64, "Batch size.")
_WIDTH = flags.DEFINE_integer("width", 64, "DCGAN width W.")
_SECONDS = flags.DEFINE_float("seconds", 5.0, "Wall time per timing.")
_REPEATS = flags.DEFINE_integer("repeats", 3, "Timings (median).")


def players(torch, width: int, latent: int = 64):
  """`(G, D)` as `torch.nn.Sequential`s (see the module docstring)."""
  nn = torch.nn
  generator = nn.Sequential(
      nn.Linear(latent, 7 * 7 * 2 * width, bias=False),
      nn.BatchNorm1d(7 * 7 * 2 * width), nn.ReLU(),
      nn.Unflatten(1, (2 * width, 7, 7)),
      nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),
      nn.BatchNorm2d(width), nn.ReLU(),
      nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Sigmoid())
  discriminator = nn.Sequential(
      nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),
      nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False),
      nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2),
      nn.Flatten(), nn.Linear(7 * 7 * 2 * width, 1))
  return generator, discriminator


def make_step(torch, batch: int, width: int, latent: int = 64):
  """A function running one GAN step (D update, then G update)."""
  generator, discriminator = players(torch, width, latent)
  adam = lambda m: torch.optim.Adam(m.parameters(), 2e-4, betas=(0.5, 0.999))
  g_opt, d_opt = adam(generator), adam(discriminator)
  bce = torch.nn.functional.binary_cross_entropy_with_logits
  ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)

  def step():
    real = torch.rand(batch, 1, 28, 28)
    fake = generator(torch.randn(batch, latent))
    d_loss = (bce(discriminator(real), ones)
              + bce(discriminator(fake.detach()), zeros))
    d_opt.zero_grad(set_to_none=True)
    d_loss.backward()
    d_opt.step()
    g_loss = bce(discriminator(generator(torch.randn(batch, latent))), ones)
    g_opt.zero_grad(set_to_none=True)
    g_loss.backward()
    g_opt.step()
  return step


def steps_per_second(step, seconds: float) -> float:
  """Steps of `step()` per second of wall time, run for about `seconds`."""
  start, count = time.perf_counter(), 0
  while time.perf_counter() - start < seconds:
    step()
    count += 1
  return count / (time.perf_counter() - start)


def main(argv):
  del argv
  import torch  # pylint: disable=g-import-not-at-top
  torch.manual_seed(0)
  step = make_step(torch, _BATCH.value, _WIDTH.value)
  for _ in range(5):
    step()
  runs = [steps_per_second(step, _SECONDS.value)
          for _ in range(_REPEATS.value)]
  print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
        f"DCGAN width {_WIDTH.value}, batch {_BATCH.value}: "
        f"{statistics.median(runs):.1f} steps/s  (runs: "
        + " ".join(f"{r:.1f}" for r in runs) + ")")


if __name__ == "__main__":
  app.run(main)
