"""Plain check functions for the client requirements (CLI-*); no pytest.

Each ``judge_*`` takes an :class:`~models_conformance.client.run.Outcome` (a call, the scripted answers, the
requests the server received, the client's answer) and returns the findings of exactly one
requirement; ``models_conformance.checks.server.raise_findings`` turns them into a ConformanceFailure.
"""

from .errors import (
    hung,
    judge_error_surface,
    judge_not_retried,
    judge_retried,
    judge_retried_then_succeeded,
    judge_retry_after,
    judge_retry_after_date,
    judge_timeout,
    judge_x_should_retry,
)
from .findings import ScenarioExchange, finding
from .requests import (
    judge_auth,
    judge_betas,
    judge_empty_id,
    judge_no_body,
    judge_path,
    judge_version,
    may_refuse,
    segment_problems,
)
from .responses import SEED_FIELDS, judge_forward_compat, judge_malformed, judge_parse

__all__ = [
    "SEED_FIELDS",
    "ScenarioExchange",
    "finding",
    "hung",
    "judge_auth",
    "judge_betas",
    "judge_empty_id",
    "judge_error_surface",
    "judge_forward_compat",
    "judge_malformed",
    "judge_no_body",
    "judge_not_retried",
    "judge_parse",
    "judge_path",
    "judge_retried",
    "judge_retried_then_succeeded",
    "judge_retry_after",
    "judge_retry_after_date",
    "judge_timeout",
    "judge_version",
    "judge_x_should_retry",
    "may_refuse",
    "segment_problems",
]
