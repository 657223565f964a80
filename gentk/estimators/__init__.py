"""gentk.estimators: gradient estimators and Monte Carlo weights, pure functions."""
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
