"""The overview's regression in numpy (analytics/metrics/ols.py) gives statsmodels' figures:
the same parameters, classical and Newey-West standard errors and 95% intervals."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from analytics.metrics import ols


def _design(seed: int, n: int, with_heads: bool = True):
    rng = np.random.default_rng(seed)
    step = np.arange(n, dtype="float64")
    time = (step - step.mean()) / max(1.0, np.ptp(step))
    share = np.clip(0.2 + 0.5 * (step / n) + rng.normal(0, 0.05, n), 0.01, 0.99)
    columns = [share, time, time**2]
    if with_heads:
        columns.append(np.log(30 + rng.integers(0, 6, n)))
    x = sm.add_constant(np.column_stack(columns), has_constant="add")
    noise = np.zeros(n)
    for i in range(n):  # autocorrelated errors: the HAC interval differs from the classical
        noise[i] = (0.6 * noise[i - 1] if i else 0) + rng.normal(0, 0.08)
    y = x @ rng.normal(0, 0.5, x.shape[1]) + noise
    return y, x


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("lags", [1, 3])
def test_the_numpy_fit_gives_statsmodels_figures(seed, lags):
    y, x = _design(seed, n=40 + seed, with_heads=seed % 3 != 0)
    model = sm.OLS(y, x)
    expected = [
        model.fit(),
        model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True),
    ]
    for ours, theirs in zip(ols.fits(y, x, lags), expected, strict=True):
        np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-9, atol=1e-12)
        assert ours.df_resid == theirs.df_resid
        np.testing.assert_allclose(
            ours.conf_int(0.05), theirs.conf_int(alpha=0.05), rtol=1e-9, atol=1e-12
        )


def test_the_two_intervals_differ_so_the_check_can_tell_them_apart():
    y, x = _design(3, n=52)
    classical, hac = ols.fits(y, x, 1)
    assert not np.allclose(classical.bse, hac.bse, rtol=1e-3)
