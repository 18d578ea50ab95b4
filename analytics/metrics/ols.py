"""Ordinary least squares with classical and Newey-West (HAC) standard errors, in numpy.

The overview's answer (verdict.py) fits one small regression per run; importing statsmodels
for it cost about a third of the demo's cold start (py-spy, bench/results-first-chart.md).
This computes what it used from statsmodels, the same way statsmodels does:

- `OLS(y, x).fit()`: params = pinv(x) @ y, cov = s^2 (x'x)^-1 (pinv) with s^2 = SSR / (n - rank);
- `fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True}, use_t=True)`: the
  sandwich (x'x)^-1 S (x'x)^-1, S = sum over lags j <= L of the Bartlett weight 1 - j/(L+1)
  times the lag-j cross products of x * residual (both directions for j > 0), times
  n / (n - k);
- `conf_int(alpha)`: params ± t(1 - alpha/2, n - rank) × standard error, both covariances.

tests/analytics/test_ols.py checks every figure against statsmodels to 1e-9.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alerts.student_t import t_quantile


@dataclass(frozen=True)
class Fit:
    params: np.ndarray
    bse: np.ndarray  # standard errors
    df_resid: float

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """(low, high) per parameter, Student's t with df_resid degrees of freedom."""
        q = float(t_quantile(1 - alpha / 2, np.array([self.df_resid]))[0])
        return np.column_stack([self.params - q * self.bse, self.params + q * self.bse])


def fits(y: np.ndarray, x: np.ndarray, hac_lags: int) -> tuple[Fit, Fit]:
    """(classical, Newey-West with `hac_lags` lags and the small-sample correction) fits of y
    on the columns of x (x holds its own constant)."""
    y = np.asarray(y, dtype="float64")
    x = np.asarray(x, dtype="float64")
    pinv = np.linalg.pinv(x)
    params = pinv @ y
    resid = y - x @ params
    n, k = x.shape
    rank = np.linalg.matrix_rank(x)
    df_resid = float(n - rank)
    xtx_inv = pinv @ pinv.T  # statsmodels' normalized_cov_params
    scale = float(resid @ resid) / df_resid
    classical = Fit(params, np.sqrt(np.diag(xtx_inv * scale)), df_resid)
    xu = x * resid[:, None]
    weights = 1 - np.arange(hac_lags + 1) / (hac_lags + 1.0)
    middle = weights[0] * (xu.T @ xu)
    for lag in range(1, hac_lags + 1):
        cross = xu[lag:].T @ xu[:-lag]
        middle += weights[lag] * (cross + cross.T)
    cov = xtx_inv @ middle @ xtx_inv.T * (n / float(n - k))
    hac = Fit(params, np.sqrt(np.diag(cov)), df_resid)
    return classical, hac
