"""Recipe `mnist_classifier`: the classifier behind the MNIST-classifier
IS / FID / KID, trained by the canonical loop.

Evaluation scores the test split and writes, into the workdir,
`mnist_classifier.msgpack` (the variables, `flax.serialization.to_bytes`) and
`mnist_classifier.json` (architecture, test accuracy, settings) in the format
`gentk.metrics.classifier.load_classifier` reads from `gentk/assets/`. To ship
a new classifier, copy both files there (nothing is written outside the
workdir); `eval.min_accuracy` says whether a run is good enough to ship.
"""
import datetime
import json
import pathlib

import flax
import jax
import jax.numpy as jnp
import ml_collections
import numpy as np
import optax

from gentk.algorithms import classifier
from gentk.data import mnist
from gentk.metrics import classifier as classifier_metrics
from gentk.models.classifier import ConvClassifier
from gentk.training.loop import Experiment
from gentk.data import digits


def build(config: ml_collections.ConfigDict, *,
          axis_name: str | None) -> Experiment:
  """The ConvClassifier of `config.model` on `config.data`."""
  d, m = config.data, config.model
  train, test = digits.train_and_test(d, seed=config.seed)
  architecture = {"channels": list(m.channels), "kernel_size": m.kernel_size,
                  "hidden": m.hidden, "num_classes": mnist.NUM_CLASSES}
  model = ConvClassifier(**{k: tuple(v) if isinstance(v, list) else v
                            for k, v in architecture.items()})
  schedule = optax.cosine_decay_schedule(config.optim.lr,
                                         config.train.num_steps)
  algorithm = classifier.make_classifier(
      model, optax.adam(schedule, b1=config.optim.b1, b2=config.optim.b2),
      max_shift=d.max_shift, axis_name=axis_name)

  def evaluate(state, key, workdir: pathlib.Path, tag: str) -> dict:
    del key
    variables = jax.tree.map(np.asarray,
                             state.params[classifier.CLASSIFIER])
    _, logits = classifier_metrics.classifier_features_and_logits(
        test.images, variables=variables, model=model)
    accuracy = float(np.mean(np.asarray(jnp.argmax(logits, -1))
                             == test.labels))
    name = config.eval.get("asset_name", classifier_metrics.ASSET_NAME)
    stem = f"{name}_{tag}" if tag else name
    (workdir / f"{stem}.msgpack").write_bytes(
        flax.serialization.to_bytes(variables))
    info = {"test_accuracy": accuracy,
            "date": datetime.date.today().isoformat(),
            "architecture": architecture,
            "model": "gentk.models.classifier.ConvClassifier",
            "training": json.loads(config.to_json_best_effort()),
            "num_parameters": int(sum(np.size(x) for x in
                                      jax.tree.leaves(variables)))}
    (workdir / f"{stem}.json").write_text(json.dumps(info, indent=2) + "\n")
    return {"test_accuracy": accuracy,
            "good_enough": float(accuracy >= config.eval.min_accuracy)}

  data_fn = mnist.make_batch_fn(train.images, train.labels, d.batch_size)
  return Experiment(algorithm, data_fn, evaluate)
