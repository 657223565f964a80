"""SeqGAN on the synthetic oracle (Yu et al. 2017, Section 5), scored by
NLL-oracle on 10,000 samples.

The published oracle LSTM and generator (hidden 32, Adam 0.01, batch 64); one
run holds MLE pre-training (120 epochs), discriminator pre-training and 200
adversarial steps with 16 rollouts per token. For the 2-core budget the
discriminator is the small one (250 filters) with 1/30 of the published
updates. Needs the SeqGAN oracle (`gentk data fetch seqgan_oracle`).
  gentk train --config=seqgan_oracle --workdir=runs/seqgan_oracle
Variants: `paper` (the published discriminator schedule; for a GPU), `mle`
(the pre-training only), `quick` (seconds; a smoke test).
Run time: under an hour on 2 cores (20 minutes of MLE, ~5 s per adversarial
step); one H200 with `--config.seqgan.rollout_rate=0`: 224 s.
Expected: NLL-oracle 9.09 after MLE, 8.84 at adversarial step 30, 8.96 at
step 100 (the H200 run: 8.723 at step 30).
Reference: SeqGAN 8.736 (Yu et al. 2017, Table 1).
"""
import ml_collections

from gentk.training import spec

BATCH = 64
NUM_TRAIN, LENGTH = 10_000, 20  # gentk.data.oracle's.
EPOCH = NUM_TRAIN // BATCH  # 156 steps.
# The widest convolution of each discriminator of `model.d_filters`
# (`gentk.models.text_cnn.PAPER_FILTERS`, `SMALL_FILTERS`): a sequence is at
# least that long.
WIDEST_FILTER = {"paper": 20, "small": 10}


def constraints(config: ml_collections.ConfigDict) -> None:
  """Declares the relations between the fields of a SeqGAN config: the
  sequence length against the oracle and the discriminator's filters, the
  phases inside the run, and the self-BLEU samples."""
  spec.constraint(
      config, ("data.length", "data.corpus"),
      lambda length, corpus: corpus != "oracle" or length == LENGTH,
      "{0} does not apply to the oracle ({1} 'oracle'), whose sequences "
      "have " + f"{LENGTH}" + " tokens",
      fix=lambda length, corpus: {"data.length": LENGTH},
      breaks=lambda length, corpus: {"data.corpus": "oracle",
                                     "data.length": LENGTH // 2})
  spec.constraint(
      config, ("data.num_train", "data.corpus"),
      lambda num, corpus: corpus != "oracle" or num > 0,
      "{0} sequences are drawn from the oracle ({1} 'oracle'): at least 1 "
      "(0 means all the sentences of a text corpus only)",
      fix=lambda num, corpus: {"data.num_train": NUM_TRAIN},
      breaks=lambda num, corpus: {"data.corpus": "oracle",
                                  "data.length": LENGTH,
                                  "data.num_train": 0})
  spec.constraint(
      config, ("data.length", "model.d_filters"),
      lambda length, filters: length >= WIDEST_FILTER[filters],
      lambda length, filters: (
          "{0} must be at least the widest filter ("
          + f"{WIDEST_FILTER[filters]}" + ") of {1}"
          + (" (or {1} 'small')" if filters != "small" else "")),
      fix=lambda length, filters: {"data.length": WIDEST_FILTER[filters]},
      breaks=lambda length, filters: {
          "data.corpus": "coco", "model.d_filters": "paper",
          "data.length": WIDEST_FILTER["paper"] - 1})

  def before(mle, rounds):
    return mle + rounds

  spec.constraint(
      config, ("seqgan.mle_steps", "seqgan.pretrain_rounds", "seqgan.method",
               "train.num_steps"),
      lambda mle, rounds, method, num: method == "mle" or num > before(
          mle, rounds),
      "{3} must exceed {0} + {1}: the adversarial phase follows the MLE and "
      "discriminator pre-training steps ({2} 'mle' trains MLE alone)",
      fix=lambda mle, rounds, method, num: {
          "train.num_steps": before(mle, rounds) + num},
      breaks=lambda mle, rounds, method, num: {
          "seqgan.method": "seqgan", "train.num_steps": before(mle, rounds)})

  def self_bleu(count, num):
    return count or num

  spec.constraint(
      config, ("eval.num_self_bleu", "eval.num_samples", "data.corpus"),
      lambda count, num, corpus: corpus == "oracle" or (
          2 <= self_bleu(count, num) <= num),
      "self-BLEU scores {0} of the {1} samples (0: all) against the others: "
      "at least 2 and at most {1} (with {2} a text corpus)",
      fix=lambda count, num, corpus: (
          {"eval.num_self_bleu": 0} if num >= 2 else
          {"eval.num_samples": 2, "eval.num_self_bleu": 0}),
      breaks=lambda count, num, corpus: {
          "data.corpus": corpus if corpus != "oracle" else "coco",
          "eval.num_self_bleu": 1})


def base_config() -> ml_collections.ConfigDict:
  """The fields every SeqGAN config has, at the oracle's defaults (the
  relations between them: `constraints`)."""
  config = ml_collections.ConfigDict()
  # gentk.runners.<runner>.run(config, workdir).
  config.runner = spec.field("train", spec.module_in("gentk.runners"))
  # module of gentk/recipes.
  config.experiment = spec.field("seqgan", spec.module_in("gentk.recipes"))
  # Root PRNG seed: init, data and noise derive from it.
  config.seed = spec.field(0, spec.non_negative_int)

  config.data = ml_collections.ConfigDict()
  # 'oracle', or a text corpus of gentk.data.text.
  config.data.corpus = spec.field("oracle", spec.one_of(
      "oracle", "coco", "poems", "emnlp_news", "ptb"))
  # Sequences per update.
  config.data.batch_size = spec.field(BATCH, spec.positive_int)
  # Training sequences (oracle: samples drawn; text: the first ones, 0: all).
  config.data.num_train = spec.field(NUM_TRAIN, spec.non_negative_int)
  # Text: tokens per sequence, the end token included (longer: truncated).
  config.data.length = spec.field(LENGTH, spec.positive_int)
  # Text: vocabulary size, special tokens included (0: every word).
  config.data.max_vocab = spec.field(0, spec.non_negative_int)

  config.model = ml_collections.ConfigDict()
  config.model.embed_dim = spec.field(32, spec.positive_int)  # Generator.
  config.model.hidden_dim = spec.field(32, spec.positive_int)  # Generator.
  # Std of the generator's normal initialisation.
  config.model.init_scale = spec.field(0.1, spec.positive_float)
  # Discriminator: 'paper' (12 widths, 1,720 filters) or 'small' (6, 250).
  config.model.d_filters = spec.field("small", spec.one_of("paper", "small"))
  config.model.d_embed_dim = spec.field(64, spec.positive_int)
  config.model.d_dropout = spec.field(0.25, spec.fraction)  # Keep 0.75.
  # L2 weight on the discriminator's output layer.
  config.model.d_l2 = spec.field(0.2, spec.non_negative_float)

  config.optim = ml_collections.ConfigDict()
  config.optim.g_lr = spec.field(0.01, spec.positive_float)  # Adam.
  config.optim.g_clip = spec.field(5.0, spec.positive_float)  # Global norm.
  # Adam rate of the policy gradient (0: optim.g_lr, as published).
  config.optim.pg_lr = spec.field(0.0, spec.non_negative_float)
  # Cosine decay of that rate to this fraction of it over the adversarial
  # phase's updates (1: constant, as published).
  config.optim.pg_final_lr_fraction = spec.field(1.0, spec.real(0, 1))
  config.optim.d_lr = spec.field(1e-4, spec.positive_float)  # Adam.

  config.seqgan = ml_collections.ConfigDict()
  # 'seqgan', 'mle' (the baseline: MLE pre-training only) or 'bgan'
  # (boundary-seeking generator updates instead of rollouts).
  config.seqgan.method = spec.field("seqgan",
                                    spec.one_of("seqgan", "mle", "bgan"))
  # Generator MLE updates (120 epochs of 10,000 / 64).
  config.seqgan.mle_steps = spec.field(120 * EPOCH, spec.non_negative_int)
  # Discriminator pre-training d-steps.
  config.seqgan.pretrain_rounds = spec.field(10, spec.non_negative_int)
  # Generator updates per adversarial step.
  config.seqgan.g_steps = spec.field(1, spec.positive_int)
  # d-steps per adversarial step.
  config.seqgan.d_steps = spec.field(1, spec.positive_int)
  # Epochs over the negatives per d-step.
  config.seqgan.d_epochs = spec.field(1, spec.positive_int)
  # Generated sequences per d-step.
  config.seqgan.num_negatives = spec.field(5_000, spec.positive_int)
  # Rollouts per token (N).
  config.seqgan.num_rollouts = spec.field(16, spec.positive_int)
  # Delayed copy beta <- r beta + (1 - r) theta (0: the current generator).
  config.seqgan.rollout_rate = spec.field(0.8, spec.fraction)
  # Sequences sampled at once (memory; the result does not depend on it).
  config.seqgan.sample_chunk = spec.field(2_000, spec.positive_int)
  # Rollout rows at once (0: all).
  config.seqgan.rollout_chunk = spec.field(0, spec.non_negative_int)
  # BGAN: M, sequences per group of self-normalised weights.
  config.seqgan.bgan_samples = spec.field(20, spec.integer(2))
  # BGAN: 'importance' (self-normalised weights) or 'reinforce' (log w
  # reward, leave-one-out baseline).
  config.seqgan.bgan_estimator = spec.field(
      "importance", spec.one_of("importance", "reinforce"))

  config.eval = ml_collections.ConfigDict()
  # Samples scored (NLL-oracle, BLEU) and saved.
  config.eval.num_samples = spec.field(10_000, spec.positive_int)
  # Monitored curve: every this many MLE steps (0: never).
  config.eval.monitor_every_mle = spec.field(5 * EPOCH, spec.non_negative_int)
  # ... and every this many adversarial steps (0: never).
  config.eval.monitor_every_adv = spec.field(10, spec.non_negative_int)
  # Text: BLEU orders.
  config.eval.bleu_orders = spec.field((2, 3, 4, 5), spec.positive_ints())
  # Text: samples whose self-BLEU is taken (500: Texygen's fast mode; 0: all).
  config.eval.num_self_bleu = spec.field(500, spec.non_negative_int)
  # Text: test sentences scored (NLL-test) and used as BLEU references (0:
  # all).
  config.eval.num_test = spec.field(0, spec.non_negative_int)

  config.train = spec.train_group(
      num_steps=120 * EPOCH + 10 + 200, steps_per_call=20, log_every=100,
      checkpoint_every=1_000, keep_checkpoints=2)
  return config


def apply_variants(config: ml_collections.ConfigDict, args) -> None:
  """`paper`, `mle` and `quick`, shared with seqgan_text.py."""
  s = config.seqgan
  adversarial = config.train.num_steps - s.mle_steps - s.pretrain_rounds
  if "paper" in args:
    config.model.d_filters = "paper"
    s.pretrain_rounds, s.d_steps, s.d_epochs = 50, 5, 3
    s.num_negatives = 10_000
  if "quick" in args:
    config.data.num_train = 640
    config.model.d_filters = "small"
    s.mle_steps, s.pretrain_rounds, adversarial = 20, 2, 3
    s.num_negatives, s.num_rollouts = 128, 2
    s.sample_chunk = 500
    config.eval.num_samples = 500
    config.eval.num_test = 500
    config.eval.monitor_every_mle = 20  # The curve's ends only: each point
    config.eval.monitor_every_adv = 3   # scores the whole test split.
    config.train.steps_per_call = 5
    config.train.log_every = 5
    config.train.checkpoint_every = 10
  config.train.num_steps = s.mle_steps + s.pretrain_rounds + adversarial
  if "mle" in args:
    s.method = "mle"
    config.train.num_steps = s.mle_steps


def get_config(arg: str | None = None) -> ml_collections.ConfigDict:
  """`arg`: None or a comma-separated subset of 'paper', 'mle', 'quick'."""
  args = spec.variants(arg, __file__, flags=("paper", "mle", "quick"))
  config = base_config()
  apply_variants(config, args)
  constraints(config)  # Checked before anything is written.
  return config
