"""A binary RBM (784-500) on dynamically binarised MNIST, trained by CD-k or
PCD, scored by AIS.

Batch 100, SGD with momentum 0.9 and weight decay 2e-4, the rate decaying
linearly from 0.05 to 0 (Hinton's practical guide). log Z by AIS
(Salakhutdinov & Murray 2008's schedule, 14,500 transitions, 100 runs); test
log-likelihood -F(v) - log Z on all 10,000 test images. Needs MNIST.
  gentk train --config=rbm_mnist --workdir=runs/rbm_mnist
Variants: `cd25` (default, 40,000 steps), `cd1` (100,000 steps), `pcd` (rate
0.01, 100,000 steps), `quick` (50 hidden units, 20 steps).
Run time (2-core CPU): 27 minutes (`cd1`, `pcd` ~7); AIS 30-45 seconds.
Expected: test log-likelihood -84.78 +- 0.23 nats (log Z 321.70 +- 0.10);
`pcd` -89.62 +- 0.25.
Reference: Salakhutdinov & Murray 2008, CD-25 about -86.34 nats (statically
binarised data).
"""
import ml_collections

from gentk.training import spec

METHODS = ("rbm", "dbm")


def base_config(method: str) -> ml_collections.ConfigDict:
  """The fields RBM and DBM configs share (`gentk.recipes.boltzmann_mnist`
  reads them)."""
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes.
  config.experiment = spec.field("boltzmann_mnist",
                                 spec.module_in("gentk.recipes"))
  # 'rbm' or 'dbm'.
  config.method = spec.field(method, spec.one_of(*METHODS))
  # Root PRNG seed: init, data and chains derive from it.
  config.seed = spec.field(0, spec.non_negative_int)

  config.data = spec.binary_digits_group()

  config.model = ml_collections.ConfigDict()
  # Hidden layer widths: (500,) RBM; (500, 1000) DBM.
  config.model.hidden = spec.field((500,), spec.positive_ints())
  # W ~ N(0, weight_scale^2) at init.
  config.model.weight_scale = spec.field(0.01, spec.positive_float)
  # Visible biases start at the log-odds of the training pixel means.
  config.model.base_rate_init = spec.field(True, spec.boolean)
  # Gibbs transitions per CD update (RBM; DBM: its pre-training).
  config.model.k = spec.field(1, spec.positive_int)
  # Persistent chains (PCD) instead of chains started at the data (RBM).
  config.model.persistent = spec.field(True, spec.boolean)
  # Persistent chains (PCD; the DBM's negative phase).
  config.model.num_chains = spec.field(100, spec.positive_int)

  config.optim = ml_collections.ConfigDict()
  config.optim.lr = spec.field(0.05, spec.positive_float)  # SGD rate.
  # The rate decays linearly to lr * final_lr_fraction at the last step.
  config.optim.final_lr_fraction = spec.field(0.0, spec.real(0, 1))
  config.optim.momentum = spec.field(0.9, spec.fraction)
  # L2 weight decay on the weights (not the biases).
  config.optim.weight_decay = spec.field(2e-4, spec.non_negative_float)

  config.eval = ml_collections.ConfigDict()
  # AIS runs (Salakhutdinov & Murray: 100; 2 or more for a standard error).
  config.eval.ais_runs = spec.field(100, spec.integer(2))
  # AIS transitions (published: 14,500; DBM: 20,000).
  config.eval.ais_transitions = spec.field(14_500, spec.positive_int)
  # 'published' (the three stretches of S&M 2008, scaled to ais_transitions)
  # or 'linear'.
  config.eval.ais_schedule = spec.field("published",
                                        spec.one_of("published", "linear"))
  # Gibbs transitions of the chains whose samples are drawn.
  config.eval.sample_steps = spec.field(10_000, spec.positive_int)
  # Test images scored (0: the whole split).
  config.eval.num_test = spec.field(0, spec.non_negative_int)

  # Relations between fields (checked before anything is written).
  spec.binary_digits_constraints(config)
  spec.constraint(
      config, ("method", "model.hidden"),
      lambda method, hidden: method != "rbm" or len(hidden) == 1,
      "an RBM has one hidden layer: {1} must have one width with {0} 'rbm'",
      fix=lambda method, hidden: {"model.hidden": tuple(hidden[:1])},
      breaks=lambda method, hidden: {"method": "rbm", "model.hidden": tuple(
          hidden) + (hidden[-1],) * (len(hidden) == 1)})
  spec.constraint(
      config, ("eval.ais_schedule", "eval.ais_transitions"),
      lambda schedule, num: schedule != "published" or num >= 3,
      "{0} 'published' splits {1} between three stretches of "
      "temperatures: it needs at least 3 (or {0} 'linear')",
      fix=lambda schedule, num: {"eval.ais_transitions": 3},
      breaks=lambda schedule, num: {"eval.ais_schedule": "published",
                                    "eval.ais_transitions": 2})
  return config


def quick(config: ml_collections.ConfigDict) -> None:
  """Small settings for tests (in place)."""
  config.data.train_split = "train[:2000]"
  config.data.test_split = "test[:500]"
  config.data.num_valid = 100
  config.data.source = "auto"
  config.eval.ais_transitions = 200
  config.eval.ais_runs = 16
  config.eval.sample_steps = 20
  config.train.num_steps = 20
  config.train.steps_per_call = 10
  config.train.log_every = 10
  config.train.checkpoint_every = 10


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'cd1', 'cd25', 'pcd',
  'quick'."""
  args = spec.variants(arg, __file__, flags=("cd1", "cd25", "pcd", "quick"))
  config = base_config("rbm")
  config.model.persistent = False  # The default: CD-25.
  config.model.k = 25
  config.train = spec.train_group(
      num_steps=40_000, steps_per_call=100, log_every=1_000,
      checkpoint_every=5_000, keep_checkpoints=2)
  if "cd1" in args or "pcd" in args:
    config.model.k = 1
    config.train.num_steps = 100_000
  if "pcd" in args:
    config.model.persistent = True
    config.optim.lr = 0.01  # Chains far from the data: a gentler rate.
  if "quick" in args:
    config.model.hidden = (50,)
    quick(config)
  return config
