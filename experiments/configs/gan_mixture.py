r"""GAN on the 2-D mixtures of the PacGAN protocol (the default experiment).

Run (grid, the default; ~1 minute on a 2-core CPU):
  python -m experiments.main --workdir=runs/quickstart
Variants: `:grid` (default), `:ring`, `:quick` (a few seconds, for tests), and
`:grid,seeds5` / `:ring,seeds5` (5 seeds trained together on the seed axis):
  python -m experiments.main \
    --config=experiments/configs/gan_mixture.py:ring --workdir=runs/ring

Expected (non-saturating cost, 10,000 steps, 5 seeds, median (range), measured
2026-11-21 on a 2-core CPU): ring 8 (7-8) of 8 modes / 94.8% (46.3-96.5) high
quality / reverse KL 0.057 (0.014-0.321); grid 11 (10-12) of 25 modes / 62.0%
(54.2-74.0) / 1.30 (1.19-1.51): the grid falls short of the reference.
Reference (PacGAN Table 1, GAN): ring 6.3 modes / 98.2% / KL 0.45;
grid 17.3 / 94.8% / 0.70.
"""
import ml_collections


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: comma-separated of {'grid', 'ring', 'quick', 'seeds5'}."""
  args = set((arg or "grid").split(","))
  unknown = args - {"grid", "ring", "quick", "seeds5"}
  if unknown:
    raise ValueError(f"unknown gan_mixture variant(s) {sorted(unknown)}: use "
                     "grid, ring, quick or seeds5.")
  config = ml_collections.ConfigDict()
  config.runner = "train"  # experiments.runners.<runner>.run(config, workdir).
  config.experiment = "gan_mixture"  # module of gentk/recipes.
  config.seed = 0  # Root PRNG seed: init, data and noise derive from it.
  config.num_seeds = 5 if "seeds5" in args else 1  # S runs on the seed axis.

  config.data = ml_collections.ConfigDict()
  config.data.name = "ring" if "ring" in args else "grid"  # Mixture name.
  config.data.batch_size = 256  # Real (and fake) examples per step.

  config.model = ml_collections.ConfigDict()
  config.model.latent_dim = 2 if "ring" in args else 4  # Dimension of z.
  config.model.generator_hidden = (128, 128, 128)  # Generator MLP widths.
  config.model.discriminator_hidden = (128, 128, 128)  # Discriminator widths.

  config.gan = ml_collections.ConfigDict()
  # 'minimax', 'nonsaturating' or 'maximum_likelihood'.
  config.gan.generator_cost = "nonsaturating"

  config.adversarial = ml_collections.ConfigDict()
  config.adversarial.disc_steps = 1  # k discriminator steps per generator step.
  # Steps of a first phase training the discriminator alone (0: none).
  config.adversarial.pretrain_steps = 0

  config.optim = ml_collections.ConfigDict()
  config.optim.lr = 1e-3  # Adam learning rate, both players.
  config.optim.b1 = 0.5  # Adam beta1.
  config.optim.b2 = 0.999  # Adam beta2.

  config.train = ml_collections.ConfigDict()
  config.train.num_steps = 10_000  # Generator steps.
  config.train.steps_per_call = 100  # K steps fused into one compiled call.
  config.train.mode = "jit"  # 'jit', 'sharded' (device mesh) or 'pmap'.
  config.train.log_every = 500  # Steps between metric records.
  config.train.checkpoint_every = 2_000  # Steps between checkpoints.
  config.train.keep_checkpoints = 3  # Newest checkpoints kept.
  config.train.progress_bar = True  # tqdm bar with steps/s on stderr.

  config.eval = ml_collections.ConfigDict()
  config.eval.num_samples = 2_500  # Samples for the mode metrics (protocol).

  if "quick" in args:
    config.train.num_steps = 200
    config.train.steps_per_call = 50
    config.train.log_every = 50
    config.train.checkpoint_every = 100
    config.eval.num_samples = 500
  return config
