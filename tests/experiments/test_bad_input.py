"""Bad input to the launcher: one line on stderr naming the field or file and
a valid example, exit status 2, nothing written.

Most cases run the checks in-process (`spec`, `config.validate_launch`); a
handful run the launcher in a subprocess, one per kind of failure path.
"""
import importlib
import json
import math
import os
import pathlib
import subprocess
import sys

import ml_collections
import pytest

from gentk.training import compile as compile_lib
from gentk.training import config as config_lib
from gentk.training import spec

ROOT = pathlib.Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "experiments" / "configs"
# groups.py holds the groups the configs are built from, not a config.
NAMES = sorted(p.stem for p in CONFIG_DIR.glob("*.py")
               if not p.name.startswith("_") and p.stem != "groups")


def _module(name):
  return importlib.import_module(f"gentk.configs.{name}")


def _variants(name):
  """Every variant worth building of config `name` (None: the default)."""
  module = _module(name)
  if name == "gan_mixture":
    return [None, "ring", "quick", "ring,seeds5,quick"]
  if name == "adversarial_mixture":
    return ([None, "quick", "ring,seeds5"] + list(module.METHODS)
            + [f"fgan,{d}" for d in module.DIVERGENCES])
  if name == "mode_mixture":
    return [None, "quick"] + [f"{m},{d}" for m in module.METHODS
                              for d in ("ring", "grid,seeds5", "quick")]
  if name == "stacked_mnist":
    return [None, "quick"] + [v + s for v in module.VARIANTS
                              for s in ("", ",quick")]
  if name == "mnist_classifier":
    return [None, "quick", "judge"]
  if name == "gan_mnist":
    return [None, "quick", "dcgan,quick"] + [
        f"{m},{p}" for m in module.METHODS for p in module.PLAYERS]
  return [None, "quick"]


CASES = [(n, v) for n in NAMES for v in _variants(n)]


def _config(name, variant=None):
  return _module(name).get_config(variant)


def _set(config, dotted, value):
  """Sets a field as an override would, type checks aside."""
  *parents, leaf = dotted.split(".")
  node = config
  for part in parents:
    node = node[part]
  with node.ignore_type():
    node[leaf] = value


def _assert_one_line(text, *needles):
  assert "\n" not in text.strip(), text
  assert "e.g." in text, text
  for needle in needles:
    assert needle in text, (needle, text)


# ------------------------------------------------ every field is declared


def test_every_config_is_covered():
  assert set(NAMES) >= {"gan_mixture", "adversarial_mixture", "gan_mnist",
                        "infogan_mnist", "ssgan_mnist", "sampling_demo"}


@pytest.mark.parametrize("name,variant", CASES, ids=str)
def test_every_field_carries_a_check_and_passes_it(name, variant):
  config = _config(name, variant)
  leaves = list(spec.leaves(config))
  assert leaves
  undeclared = [path for path, _, check in leaves if check is None]
  assert not undeclared, f"declare these with spec.field: {undeclared}"
  assert spec.errors(config) == []
  if config.runner == "train":  # Its fields agree (log_every % K == 0, ...).
    config_lib.validate(config)
  for sub in config.values():  # Training configs a demo runs (game_dynamics).
    if isinstance(sub, ml_collections.ConfigDict) and sub.get("runner") == (
        "train"):
      config_lib.validate(sub)


def test_train_mode_choices_are_the_runtime_modes():
  assert spec.train_mode.text == spec.one_of(*compile_lib.MODES).text


# ------------------------------------------------------ the vocabulary


@pytest.mark.parametrize("check,good,bad", [
    (spec.positive_int, [1, 7], [0, -1, 1.0, True, "3"]),
    (spec.non_negative_int, [0, 3], [-1, 0.5, False]),
    (spec.integer(2, 4), [2, 4], [1, 5]),
    (spec.positive_float, [1e-3, 5, 1e30], [0.0, -1.0, math.nan, math.inf,
                                           True, "0.1"]),
    (spec.non_negative_float, [0.0, 2.5], [-1e-9, math.nan, -math.inf]),
    (spec.fraction, [0.0, 0.999], [1.0, 1.5, -0.1, math.nan]),
    (spec.real(0.5, 1, open_low=True), [0.55, 1.0], [0.5, 1.01]),
    (spec.one_of("adam", "rmsprop"), ["adam"], ["sgdx", "", None, 1]),
    (spec.positive_ints(), [(1,), (128, 64)], [(), (0,), ("abc",),
                                               (1.5,), 3]),
    (spec.positive_ints(length=2), [(8, 4)], [(8,), (8, 4, 2)]),
    (spec.positive_floats(), [(0.1, 2)], [(0.0,), (math.nan,), ()]),
    (spec.finite_floats(4), [(-1, 1, 0, 2.5)], [(1, 2, 3), (0, 0, 0,
                                                            math.inf)]),
    (spec.boolean, [True, False], [0, 1, "True"]),
    (spec.tfds_split("train", "test"), ["train", "test[:1000]",
                                        "train[10%:]"], ["val", "train[:x]"]),
    (spec.attribute_of("jax.nn", "relu"), ["relu", "elu"], ["nope",
                                                            "__name__", 3]),
    (spec.module_in("gentk.runners"), ["train"], ["nope"]),
    (spec.existing_path, [str(ROOT)], ["", str(ROOT / "missing")]),
])
def test_checks_accept_and_refuse(check, good, bad):
  for value in good:
    assert check.accepts(value, None), value
  for value in bad:
    assert not check.accepts(value, None), value


def test_relation_to_another_field_and_its_example():
  config = _config("sampling_demo", "quick")  # mcmc: 400 steps, 100 burn-in.
  config.mcmc.num_steps = 80
  line = config_lib.ConfigError
  with pytest.raises(line) as e:
    config_lib.validate_launch(config, "unused")
  # The declared 1,000 is no example here: half the number of steps is.
  assert str(e.value) == (
      "config.mcmc.burn_in=100 must be an int >= 0 and < config.mcmc."
      "num_steps: pass e.g. --config.mcmc.burn_in=40")


def test_a_setting_of_one_variant_is_refused_in_another():
  config = _config("bgan_mnist", "quick,reinforce")
  assert spec.errors(config) == []
  config.bgan.centred = True
  with pytest.raises(config_lib.ConfigError) as e:
    config_lib.validate_launch(config, "unused")
  assert str(e.value) == (
      "config.bgan.centred=True must be a boolean, True only with "
      "config.bgan.estimator='importance': pass e.g. "
      "--config.bgan.centred=False")
  config.bgan.estimator = "importance"
  assert spec.errors(config) == []


def test_field_refuses_an_invalid_declared_value():
  with pytest.raises(ValueError, match="is not a finite float > 0"):
    spec.field(-1.0, spec.positive_float)
  with pytest.raises(TypeError):
    spec.field(1, "positive")


def test_checks_survive_assignment_overrides_and_json():
  config = _config("gan_mixture", "quick")
  config.optim.lr = 5e-4  # As the file's variants and overrides do.
  assert config.optim.lr == 5e-4 and isinstance(config.optim.lr, float)
  checks = {p: c for p, _, c in spec.leaves(config)}
  assert checks["optim.lr"] is spec.positive_float
  saved = json.loads(config.to_json_best_effort())
  assert saved["optim"]["lr"] == 5e-4
  assert saved["model"]["generator_hidden"] == [128, 128, 128]
  plain = ml_collections.ConfigDict(saved)
  assert spec.errors(plain) == []  # Undeclared: nothing to check.


# ------------------------------------------------- declared checks


@pytest.mark.parametrize("name,field,value,line", [
    ("gan_mixture", "optim.lr", -1.0,
     "config.optim.lr=-1.0 must be a finite float > 0: pass e.g. "
     "--config.optim.lr=0.001"),
    ("gan_mixture", "optim.lr", math.nan,
     "config.optim.lr=nan must be a finite float > 0: pass e.g. "
     "--config.optim.lr=0.001"),
    ("gan_mixture", "optim.lr", math.inf,
     "config.optim.lr=inf must be a finite float > 0: pass e.g. "
     "--config.optim.lr=0.001"),
    ("gan_mixture", "optim.b1", 1.5,
     "config.optim.b1=1.5 must be a finite float in [0, 1): pass e.g. "
     "--config.optim.b1=0.5"),
    ("gan_mixture", "model.generator_hidden", (0,),
     "config.model.generator_hidden=(0,) must be a non-empty tuple of "
     "positive ints: pass e.g. --config.model.generator_hidden=128,128,128"),
    ("gan_mixture", "model.generator_hidden", ("abc",),
     "config.model.generator_hidden=('abc',) must be a non-empty tuple of "
     "positive ints: pass e.g. --config.model.generator_hidden=128,128,128"),
    ("gan_mixture", "model.latent_dim", 0,
     "config.model.latent_dim=0 must be a positive int: pass e.g. "
     "--config.model.latent_dim=4"),
    ("gan_mnist", "model.latent_dim", 0,
     "config.model.latent_dim=0 must be a positive int: pass e.g. "
     "--config.model.latent_dim=64"),
    ("gan_mnist", "optim.lr", math.nan, "config.optim.lr=nan"),
    ("gan_mnist", "optim.b1", 1.5, "config.optim.b1=1.5"),
    ("gan_mnist", "model.generator_hidden", (0,),
     "config.model.generator_hidden=(0,)"),
    ("gan_mnist", "data.source", "cifar", "config.data.source='cifar'"),
    ("gan_mnist", "data.train_split", "validation",
     "config.data.train_split='validation' must be a TFDS split"),
    ("gan_mnist", "model.autoencoder_activation", "swishy",
     "config.model.autoencoder_activation='swishy' must be the name of a "
     "function of jax.nn"),
    ("adversarial_mixture", "optim.name", "sgdx",
     "config.optim.name='sgdx' must be one of 'adam', 'rmsprop': pass e.g. "
     "--config.optim.name=adam"),
    ("adversarial_mixture", "adversarial.disc_steps", 0,
     "config.adversarial.disc_steps=0 must be a positive int"),
    ("adversarial_mixture", "method", "gan", "config.method='gan'"),
    ("infogan_mnist", "infogan.num_categories", 0,
     "config.infogan.num_categories=0"),
    ("ssgan_mnist", "model.input_noise", -0.3, "config.model.input_noise="),
    ("sampling_demo", "gibbs.rbm_sizes", (8,),
     "config.gibbs.rbm_sizes=(8,) must be 2 positive ints (V, hidden) with V "
     "<= 20 (the exact p(v) enumerates 2^V states): pass e.g. "
     "--config.gibbs.rbm_sizes=8,4"),
    ("sampling_demo", "gibbs.rbm_sizes", (40, 4),
     "config.gibbs.rbm_sizes=(40, 4) must be 2 positive ints"),
    ("sampling_demo", "exact.grid_limits", (9.0, -9.0, -6.0, 30.0),
     "config.exact.grid_limits=(9.0, -9.0, -6.0, 30.0) must be 4 finite"),
    ("sampling_demo", "mcmc.burn_in", 400, "config.mcmc.burn_in=400"),
    ("sampling_demo", "runner", "sampling", "config.runner='sampling' must "
     "be a module of gentk.runners"),
    ("gan_mixture", "train.mode", "xmap", "config.train.mode='xmap'"),
    ("gan_mixture", "train.progress_bar", 1, "config.train.progress_bar=1"),
    ("gan_mixture", "seed", -1, "config.seed=-1"),
])
def test_declared_check_gives_one_line(tmp_path, name, field, value, line):
  config = _config(name, "quick")
  _set(config, field, value)
  with pytest.raises(config_lib.ConfigError) as e:
    config_lib.validate_launch(config, str(tmp_path / "w"))
  _assert_one_line(str(e.value), line, f"--config.{field}=")
  assert not (tmp_path / "w").exists()


def test_runtime_checks_still_apply():
  config = _config("gan_mixture", "quick")
  config.train.checkpoint_every = 33
  with pytest.raises(config_lib.ConfigError) as e:
    config_lib.validate(config)
  _assert_one_line(str(e.value), "config.train.checkpoint_every=33",
                   "--config.train.checkpoint_every=50")


# ------------------------------------------------------ unknown fields


@pytest.mark.parametrize("name,field,needles", [
    ("gan_mixture", "nonexistent", ["config has adversarial.*, data.*",
                                    "optim.*", "seed"]),
    ("gan_mixture", "optim.name", [
        "config.optim has b1, b2, final_lr_fraction, generator_lr, lr",
        "--config.optim.lr=0.001"]),
    ("gan_mixture", "gan.disc_steps", [
        "config.gan has generator_cost"]),
    ("gan_mixture", "optim.lrr", ["--config.optim.lr=0.001"]),
    ("gan_mixture", "seed.x", ["config.seed is a value, not a group"]),
    ("gan_mnist", "model.hiden", ["config.model has"]),
])
def test_unknown_field_names_the_file_and_the_closest(name, field, needles):
  source = f"experiments/configs/{name}.py:quick"
  line = spec.unknown_field(_config(name, "quick"), field, source)
  _assert_one_line(line, f"config.{field}", source, *needles)


def test_known_fields_are_not_unknown():
  config = _config("gan_mixture", "quick")
  for path, _, _ in spec.leaves(config):
    assert spec.unknown_field(config, path, "x") is None


# --------------------------------------------------------------- variants


@pytest.mark.parametrize("name,variant,needles", [
    ("gan_mixture", "nonsense", ["unknown variant 'nonsense'",
                                 "grid, ring, bn_maxout, reference, "
                                 "reference100k, long"]),
    ("gan_mixture", "grid,ring", ["grid and ring exclude each other"]),
    ("adversarial_mixture", "wgan,mmd", ["wgan and mmd exclude"]),
    ("adversarial_mixture", "kl", ["divergence kl needs the method fgan"]),
    ("mode_mixture", "adagan,long", ["variant long sets one run's length",
                                     "adagan.round_steps", "gan_si,grid,long"]),
    ("mode_mixture", "adagan,reference", ["variant reference sets one run's",
                                          "adagan.round_steps"]),
    ("mode_mixture", "pacgan,reference,bn_maxout",
     ["reference and bn_maxout exclude each other"]),
    ("gan_mixture", "reference,long", ["reference and long exclude"]),
    ("adversarial_mixture", "fgan,kl,gan2", ["unknown variant 'gan2'"]),
    ("gan_mnist", "dcgan,mlp", ["dcgan and mlp exclude each other"]),
    ("gan_mnist", "wgan,began", ["wgan and began exclude"]),
    ("infogan_mnist", "quik", ["unknown variant 'quik'", "quick"]),
    ("ssgan_mnist", "nonsense", ["unknown variant"]),
    ("sampling_demo", "full", ["unknown variant 'full'"]),
])
def test_bad_variant_names_the_file_and_the_variants(name, variant, needles):
  with pytest.raises(spec.VariantError) as e:
    _config(name, variant)
  _assert_one_line(str(e.value), f"--config={name}:", *needles)


# ---------------------------------------------------------------- workdir


def test_workdir_checks(tmp_path):
  afile = tmp_path / "afile"
  afile.write_text("x")
  cases = {None: "--workdir is missing", "": "is empty",
           "  ": "is empty", str(afile): "is an existing file",
           str(afile / "sub"): "cannot be created"}
  for workdir, needle in cases.items():
    with pytest.raises(config_lib.ConfigError) as e:
      config_lib.check_workdir(workdir)
    _assert_one_line(str(e.value), "--workdir", needle)
  config_lib.check_workdir(str(tmp_path / "new" / "run"))  # Can be created.
  config_lib.check_workdir(str(tmp_path))  # An existing folder.
  assert sorted(os.listdir(tmp_path)) == ["afile"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_workdir_without_permission(tmp_path):
  locked = tmp_path / "locked"
  locked.mkdir(mode=0o500)
  with pytest.raises(config_lib.ConfigError, match="cannot be written"):
    config_lib.check_workdir(str(locked / "run"))


# ------------------------------------------- the launcher, end to end


def _launch(cwd, *args):
  env = dict(os.environ, PYTHONPATH=str(ROOT))
  return subprocess.run([sys.executable, "-m", "experiments.main", *args],
                        cwd=cwd, env=env, capture_output=True, text=True,
                        timeout=120)


def _snapshot(folder):
  return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


QUICK = f"--config={CONFIG_DIR / 'gan_mixture.py'}:quick"


@pytest.mark.parametrize("args,needle", [
    (["--config.optim.lr=nan"], "config.optim.lr=nan"),  # Declared check.
    (["--config.model.latent_dim=1.5"],  # Does not parse as an int.
     "config.model.latent_dim='1.5' must be a positive int"),
    (["--config.adversarial.n_critic=5"],  # No such field.
     "config.adversarial.n_critic is not a field"),
    ([QUICK.replace(":quick", ":nonsense")], "unknown variant 'nonsense'"),
    (["--config=experiments/configs/nope.py"], "nope.py"),
    # A field exists only where the recipe honours it: gan_mixture's players
    # compute in float32 only.
    (["--config.train.compute_dtype=bfloat16"],
     "config.train.compute_dtype is not a field"),
], ids=["declared", "unparsable", "unknown_field", "variant",
        "missing_file", "compute_dtype_not_honoured"])
def test_launcher_refuses_in_one_line(tmp_path, args, needle):
  workdir = tmp_path / "w"
  r = _launch(tmp_path, f"--workdir={workdir}", QUICK, *args)
  assert r.returncode == 2, r.stderr[-2000:]
  lines = r.stderr.strip().splitlines()
  assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
  _assert_one_line(lines[0], needle)
  assert _snapshot(tmp_path) == []  # No workdir, nothing in the cwd.


@pytest.mark.parametrize("workdir,needle", [
    ("", "--workdir='' is empty"), ("afile", "is an existing file")])
def test_launcher_refuses_a_bad_workdir(tmp_path, workdir, needle):
  (tmp_path / "afile").write_text("x")
  r = _launch(tmp_path, f"--workdir={workdir}", QUICK)
  assert r.returncode == 2, r.stderr[-2000:]
  lines = r.stderr.strip().splitlines()
  assert len(lines) == 1, r.stderr
  _assert_one_line(lines[0], needle)
  assert _snapshot(tmp_path) == ["afile"]
  assert (tmp_path / "afile").read_text() == "x"


@pytest.mark.parametrize("config,args,needle", [
    ("seqgan_oracle.py:quick", ["--config.data.length=10"],
     "config.data.length=10, config.data.corpus='oracle': config.data.length "
     "does not apply to the oracle"),
    ("seqgan_text.py:quick", ["--config.data.length=12",
                              "--config.model.d_filters=paper"],
     "config.data.length must be at least the widest filter (20)"),
    ("mode_mixture.py:sig,quick", ["--config.model.generator_batch_norm=True"],
     "method 'sig' trains generators without batch statistics"),
    # Runs that went wrong silently: samples repeated to fill the packs,
    # AdaGAN rounds dropped, a MaskGAN mask with no blank.
    ("mode_mixture.py:pacgan,quick", ["--config.data.batch_size=30"],
     "config.pacgan.packing=4, config.data.batch_size=30, config.train.mode="
     "'jit': config.data.batch_size must be a multiple of config.pacgan."
     "packing"),
    ("mode_mixture.py:adagan,quick", ["--config.train.num_steps=100"],
     "config.train.num_steps=100: config.train.num_steps must exceed the 162 "
     "steps before the last of config.adagan.num_rounds rounds"),
    ("maskgan_coco.py:quick", ["--config.maskgan.present_rate=1.0"],
     "config.maskgan.present_rate=1.0 must be a finite float in (0, 1)"),
    # Failed at evaluation, after training.
    ("vae_mnist.py:quick", ["--config.eval.ks=3,7"],
     "config.eval.ks=(3, 7), config.eval.num_samples=100: every k of "
     "config.eval.ks must divide config.eval.num_samples"),
], ids=["oracle_length", "filters_longer_than_text", "sig_batch_norm",
        "partial_packs", "adagan_rounds", "nothing_to_fill", "iwae_k"])
def test_relations_refuse_in_one_line(tmp_path, config, args, needle):
  """Settings that relate fields are refused before any data is read or
  anything written, from the command line (tuple and float overrides
  parsed)."""
  r = _launch(tmp_path, f"--workdir={tmp_path / 'w'}",
              f"--config={CONFIG_DIR / config}", *args)
  assert r.returncode == 2, r.stderr[-2000:]
  lines = r.stderr.strip().splitlines()
  assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
  _assert_one_line(lines[0], needle)
  assert _snapshot(tmp_path) == []


# ------------------------------------------------- cross-field constraints


def _get(config, dotted):
  node = config
  for part in dotted.split("."):
    node = node[part]
  return node


def _constraint_cases():
  """`(name, variant, index)`: every constraint declared in every config
  (index into `spec.constraints`), each once per config, tried in a quick
  variant where one declares it."""
  seen, cases = set(), []
  for name, variant in sorted(CASES, key=lambda c: "quick" not in (c[1] or "")):
    for index, (prefix, c) in enumerate(spec.constraints(_config(name,
                                                                 variant))):
      key = (name, prefix, c.carrier, c.fields)
      if key not in seen:
        seen.add(key)
        cases.append(pytest.param(
            name, variant, index,
            id=f"{name}:{variant}:{'+'.join(prefix + f for f in c.fields)}"))
  return cases


CONSTRAINT_CASES = _constraint_cases()


def test_the_configs_declare_constraints():
  ids = {case.id.split(":", 2)[2] for case in CONSTRAINT_CASES}
  assert len(CONSTRAINT_CASES) > 60
  # The relations the launcher once let through to a wrong run or a crash.
  assert {"pacgan.packing+data.batch_size+train.mode",
          "adagan.num_rounds+adagan.round_steps+adagan.ratio_steps+"
          "train.num_steps", "eval.ks+eval.num_samples",
          "maskgan.maskmle_steps+maskgan.method+train.num_steps",
          "data.num_valid+data.train_split",
          "model.kernel_sizes+model.features",
          "eval.ais_schedule+eval.ais_transitions",
          "ring.train.checkpoint_every+ring.train.steps_per_call"} <= ids


@pytest.mark.parametrize("name,variant,index", CONSTRAINT_CASES)
def test_every_constraint_refuses_in_one_line(tmp_path, capsys, name, variant,
                                              index):
  """The override the constraint `breaks` with is refused by the launcher's
  `run`: exit status 2, one line naming every field and its value and a
  valid example, nothing written; that example clears every error."""
  from gentk import launch  # pylint: disable=g-import-not-at-top
  config = _config(name, variant)
  prefix, c = spec.constraints(config)[index]
  paths = [prefix + f for f in c.fields]
  assert c.holds(*[_get(config, p) for p in paths])
  for field, value in c.breaks(*[_get(config, p) for p in paths]).items():
    _set(config, prefix + field, value)
  values = [_get(config, p) for p in paths]
  assert not c.holds(*values)
  line = spec.constraint_message(prefix, c, values)
  assert spec.errors(config)[:1] == [line]  # Reported first, fields valid.
  workdir = tmp_path / "w"
  with pytest.raises(SystemExit) as e:
    launch.run(config, str(workdir))
  assert e.value.code == 2
  err = capsys.readouterr().err
  assert err == f"error: {line}\n"
  assert "Traceback" not in err
  _assert_one_line(line, *[f"config.{p}={v!r}" for p, v in zip(paths, values)],
                   ": pass e.g. --config.")
  assert not os.listdir(tmp_path)
  for field, value in c.fix(*values).items():  # The example is valid.
    assert f"--config.{prefix}{field}={spec.flag_value(value)}" in line
    _set(config, prefix + field, value)
  assert spec.errors(config) == []


@pytest.mark.parametrize("split,size", [
    ("train", 60_000), ("test", 10_000), ("train[:2000]", 2_000),
    ("test[-500:]", 500), ("train[10%:]", 54_000), ("train[100:200]", 100),
    ("test[:20000]", 10_000), ("train[:0]", 0)])
def test_split_size(split, size):
  assert spec.split_size(split) == size


def test_constraint_declaration_mistakes_raise():
  config = _config("gan_mixture", "quick")
  holds = lambda *_: True  # pylint: disable=unnecessary-lambda-assignment
  kwargs = {"fix": lambda *_: {}, "breaks": lambda *_: {}}
  with pytest.raises(ValueError, match="missing fields"):
    spec.constraint(config, ("data.batch_size", "data.nope"), holds, "x",
                    **kwargs)
  plain = ml_collections.ConfigDict({"a": 1, "b": 2})
  with pytest.raises(ValueError, match="declare it with spec.field"):
    spec.constraint(plain, ("a", "b"), holds, "x", **kwargs)
  with pytest.raises(ValueError, match="do not satisfy: config.data.batch_"):
    spec.constraint(config, ("data.batch_size", "eval.num_samples"),
                    lambda b, n: b > n, "{0} must exceed {1}", **kwargs)
  assert spec.errors(config) == []  # Nothing was attached.


def test_a_constraint_waits_for_its_fields_own_checks():
  """A field that fails its own check gets its own line; the constraints on
  it are not evaluated (no division by zero)."""
  config = _config("mode_mixture", "pacgan,quick")
  config.pacgan.packing = 0
  assert spec.errors(config) == [
      "config.pacgan.packing=0 must be a positive int: pass e.g. "
      "--config.pacgan.packing=4"]


def test_constraints_survive_overrides_and_follow_their_group():
  config = _config("mode_mixture", "pacgan,quick")
  config.pacgan.packing = 5  # As an override does: the carrier stays.
  assert spec.errors(config)[0].startswith(
      "config.pacgan.packing=5, config.data.batch_size=64")
  del config.pacgan  # The group goes, and its constraint with it.
  assert not [c for _, c in spec.constraints(config)
              if "pacgan.packing" in c.fields]


def test_a_nested_config_is_checked_under_its_path():
  config = _config("game_dynamics", "quick")  # Two GAN configs inside.
  config.ring.train.log_every = 70
  assert spec.errors(config) == [
      "config.ring.train.log_every=70, config.ring.train.steps_per_call=50: "
      "config.ring.train.log_every must be a multiple of config.ring.train."
      "steps_per_call (the loop stops only between compiled calls): pass e.g. "
      "--config.ring.train.log_every=50"]
  assert spec.errors(config.ring)[0].startswith("config.train.log_every=70")


def test_config_constants_match_the_recipes():
  """Figures the configs' constraints restate from the recipes."""
  import inspect  # pylint: disable=g-import-not-at-top
  from gentk.recipes import bihm_mnist  # pylint: disable=g-import-not-at-top
  from gentk.recipes import seqgan  # pylint: disable=g-import-not-at-top
  widest = {k: max(w for w, _ in v) for k, v in seqgan.FILTERS.items()}
  assert _module("groups").WIDEST_FILTER == widest
  chunk = inspect.signature(bihm_mnist.estimate_log_z2).parameters["chunk"]
  assert _module("bihm_mnist").Z_CHUNK == chunk.default
