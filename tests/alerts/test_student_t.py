"""The forecast's t quantile without scipy equals scipy's, over the degrees of freedom and
levels the forecast meets and beyond."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from alerts.student_t import t_quantile, upper_tail

DFS = np.array([0.5, 1.0, 1.0001, 1.5, 2.0, 2.05, 3.0, 4.2, 5.0, 7.7, 10, 30, 100, 1e3, 1e6])


@pytest.mark.parametrize("p", [0.5, 0.55, 0.8, 0.9, 0.95, 0.975, 0.995, 0.9999])
def test_the_quantile_is_scipys(p):
    np.testing.assert_allclose(t_quantile(p, DFS), stats.t.ppf(p, DFS), rtol=1e-7, atol=1e-12)


def test_over_random_welch_degrees_of_freedom():
    dfs = np.random.default_rng(7).uniform(1.0, 120.0, 200)
    np.testing.assert_allclose(t_quantile(0.9, dfs), stats.t.ppf(0.9, dfs), rtol=1e-8)


def test_the_tail_is_scipys():
    t = np.array([0.0, 0.3, 1.0, 2.5, 10.0, 80.0])
    for df in (0.7, 1.0, 3.5, 40.0):
        np.testing.assert_allclose(
            upper_tail(t, np.full_like(t, df)), stats.t.sf(t, df), rtol=1e-9, atol=1e-300
        )


def test_a_probability_outside_the_upper_half_is_refused():
    with pytest.raises(ValueError, match="p must lie"):
        t_quantile(0.4, DFS)
