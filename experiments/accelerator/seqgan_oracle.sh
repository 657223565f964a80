#!/usr/bin/env bash
# SeqGAN on the synthetic oracle on an accelerator, three runs at once: the
# published schedule (`seqgan_oracle.py:paper`, rollout policy the delayed
# copy, rate 0.8), the same with rollouts by the current generator (rate 0,
# what the published code does), and the 2-core default schedule with rate 0.
# The NLL-oracle curve is each run's log ("step N (adversarial): nll_oracle")
# and metrics.jsonl (monitor/nll_oracle); a run cut by RUN_SECONDS keeps it.
#   OUT=/tmp/seqgan RUN_SECONDS=450 experiments/accelerator/seqgan_oracle.sh [overrides]
source "$(dirname "$0")/parallel_runs.sh"
variant=${VARIANT:-}  # e.g. VARIANT=quick STEPS_PER_CALL=5: a smoke test.
sep=${variant:+,}
k=${STEPS_PER_CALL:-120}  # 156 calls of MLE pre-training (18,720 steps).
set -- --config.train.steps_per_call="$k" --config.train.log_every="$k" \
  --config.train.checkpoint_every=$(( 10 * k )) "$@"
launch seqgan_paper "seqgan_oracle.py:paper$sep$variant" "$@"
launch seqgan_paper_rate0 "seqgan_oracle.py:paper$sep$variant" \
  --config.seqgan.rollout_rate=0 "$@"
launch seqgan_default_rate0 "seqgan_oracle.py${variant:+:$variant}" \
  --config.seqgan.rollout_rate=0 "$@"
wait
