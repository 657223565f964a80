"""gentk.estimators: gradient estimators and Monte Carlo weights, pure functions.

Modules: `pathwise` (reparameterisation, SGVB), `score_function` (REINFORCE
with baselines and control variates), `importance` (weights, ESS, IWAE),
`rollout` (SeqGAN Monte Carlo action values), `boundary_seeking` (BGAN),
`actor_critic` (returns, advantages, critic loss), `categorical` (exact
categorical sampling from logits).
"""
from gentk.estimators import actor_critic
from gentk.estimators import boundary_seeking
from gentk.estimators import categorical
from gentk.estimators import importance
from gentk.estimators import pathwise
from gentk.estimators import rollout
from gentk.estimators import score_function
from gentk.estimators.actor_critic import critic_loss
from gentk.estimators.actor_critic import discounted_returns
from gentk.estimators.actor_critic import generalized_advantages
from gentk.estimators.boundary_seeking import bgan_reinforce_surrogate
from gentk.estimators.boundary_seeking import bgan_surrogate
from gentk.estimators.boundary_seeking import log_weights_from_logits
from gentk.estimators.boundary_seeking import weights_from_statistic
from gentk.estimators.importance import bihm_log_weights
from gentk.estimators.importance import bihm_surrogate
from gentk.estimators.importance import effective_sample_size
from gentk.estimators.importance import iwae_bound
from gentk.estimators.importance import log_importance_weights
from gentk.estimators.importance import log_mean_exp
from gentk.estimators.importance import log_normalizer_ratio
from gentk.estimators.importance import self_normalized_expectation
from gentk.estimators.importance import self_normalized_surrogate
from gentk.estimators.importance import self_normalized_weights
from gentk.estimators.pathwise import diag_gaussian_kl
from gentk.estimators.pathwise import diag_gaussian_log_prob
from gentk.estimators.pathwise import diag_gaussian_sample
from gentk.estimators.pathwise import pathwise_surrogate
from gentk.estimators.pathwise import reparameterize
from gentk.estimators.pathwise import sgvb_estimator_a
from gentk.estimators.pathwise import sgvb_estimator_b
from gentk.estimators.rollout import rollout_rewards
from gentk.estimators.rollout import sample_sequences
from gentk.estimators.score_function import leave_one_out_baseline
from gentk.estimators.score_function import moving_average_baseline
from gentk.estimators.score_function import score_function_surrogate
