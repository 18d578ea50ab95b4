"""Student's t quantile for any (real) degrees of freedom, in numpy and the standard library.

The forecast needs one quantile per projected day; importing scipy for it cost the Overview's
cold start over a second. Hill's approximation (ACM Algorithm 396, as R's `qt` starts) gives
the first guess, and Newton steps on the exact distribution function (the regularised
incomplete beta function by its continued fraction, Numerical Recipes' `betacf`) make it exact
to about 1e-12. Checked against scipy in tests/alerts/test_student_t.py.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

_TINY = 1e-300
_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


def _lgamma(x: np.ndarray) -> np.ndarray:
    return _LGAMMA(x).astype(np.float64)


def _continued_fraction(a, b, x, iterations: int = 400, eps: float = 1e-15):
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    for m in range(1, iterations + 1):
        m2 = 2.0 * m
        for aa in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
            c = 1.0 + aa / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            step = d * c
            h = h * step
        if np.all(np.abs(step - 1.0) < eps):
            break
    return h


def _betainc(a, b, x):
    """The regularised incomplete beta function I_x(a, b), element-wise, 0 < x < 1."""
    front = np.exp(a * np.log(x) + b * np.log1p(-x) - (_lgamma(a) + _lgamma(b) - _lgamma(a + b)))
    direct = x < (a + 1.0) / (a + b + 2.0)
    xs, aa, bb = np.where(direct, x, 1.0 - x), np.where(direct, a, b), np.where(direct, b, a)
    part = front * _continued_fraction(aa, bb, xs) / aa
    return np.where(direct, part, 1.0 - part)


def upper_tail(t, df):
    """P(T > t) for t >= 0."""
    t, df = np.asarray(t, np.float64), np.asarray(df, np.float64)
    x = df / (df + t * t)
    inside = np.clip(x, 1e-300, 1.0 - 1e-16)
    return np.where(t <= 0, 0.5, 0.5 * _betainc(df / 2.0, np.full_like(df, 0.5), inside))


def _density(t, df):
    log = (
        _lgamma((df + 1.0) / 2.0)
        - _lgamma(df / 2.0)
        - 0.5 * np.log(df * math.pi)
        - (df + 1.0) / 2.0 * np.log1p(t * t / df)
    )
    return np.exp(log)


def _hill(p: float, df: np.ndarray) -> np.ndarray:
    """Hill's first guess at the upper quantile (p > 0.5) for df > 1."""
    two_sided = 2.0 * (1.0 - p)
    a = 1.0 / (df - 0.5)
    b = 48.0 / (a * a)
    c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36
    d = ((94.5 / (b + c) - 3.0) / b + 1.0) * np.sqrt(a * math.pi / 2.0) * df
    y = (d * two_sided) ** (2.0 / df)
    x = NormalDist().inv_cdf(0.5 * two_sided)
    cc = c + np.where(df < 5, 0.3 * (df - 4.5) * (x + 0.6), 0.0)
    cc = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + cc
    yy = x * x
    yy = (((((0.4 * yy + 6.3) * yy + 36.0) * yy + 94.5) / cc - yy - 3.0) / b + 1.0) * x
    normal_side = np.sqrt(df * np.expm1(a * yy * yy))
    near = (
        (1.0 / (((df + 6.0) / (df * y) - 0.089 * d - 0.822) * (df + 2.0) * 3.0) + 0.5 / (df + 4.0))
        * y
        - 1.0
    ) * (df + 1.0) / (df + 2.0) + 1.0 / y
    return np.where(
        ((df < 2.1) & (two_sided > 0.5)) | (y > 0.05 + a), normal_side, np.sqrt(df * near)
    )


def t_quantile(p: float, df) -> np.ndarray:
    """The p-quantile of Student's t with `df` degrees of freedom (an array), 0.5 <= p < 1."""
    if not 0.5 <= p < 1.0:
        raise ValueError(f"p must lie in [0.5, 1), got {p}")
    df = np.asarray(df, np.float64)
    if p == 0.5:
        return np.zeros_like(df)
    cauchy = np.tan(math.pi * (p - 0.5))
    with np.errstate(all="ignore"):
        t = np.where(df > 1.0, _hill(p, np.maximum(df, 1.0 + 1e-9)), cauchy)
        t = np.where(np.isfinite(t) & (t > 0), t, cauchy)
        for _ in range(60):  # from Hill's guess two or three steps; df < 1 takes more
            step = (upper_tail(t, df) - (1.0 - p)) / _density(t, df)
            t = np.maximum(t + step, t / 2.0)  # never past zero: the tail is convex there
            if np.all(np.abs(step) <= 1e-12 * np.maximum(1.0, t)):
                break
    return t
