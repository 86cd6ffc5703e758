"""The Iris data (shipped as package data) and a seeded, stratified train/test split."""

from __future__ import annotations

from importlib import resources
from typing import Any

import numpy as np

from .errors import BiasgradError

__all__ = ["load_iris", "train_test_split", "standardize", "FEATURE_NAMES", "CLASS_NAMES"]

FEATURE_NAMES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)")
CLASS_NAMES = ("setosa", "versicolor", "virginica")


def load_iris() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Fisher's Iris data, 150 rows, 50 per class.

    Read from ``biasgrad/data/iris.csv`` with :mod:`importlib.resources` (works from a
    wheel, a zip and Pyodide; no path relative to the working directory). Source:
    Fisher (1936) via the UCI Machine Learning Repository, rows 35 and 38 corrected
    as in scikit-learn (see the file's header).

    Returns
    -------
    X : ndarray, shape (150, 4), float64
        Sepal length, sepal width, petal length, petal width in cm.
    y : ndarray, shape (150,), int
        0 = setosa, 1 = versicolor, 2 = virginica.
    feature_names : list of str, length 4
    class_names : list of str, length 3
    """
    text = resources.files("biasgrad").joinpath("data", "iris.csv").read_text(encoding="utf-8")
    rows = [line.split(",") for line in text.splitlines()
            if line.strip() and not line.startswith("#") and not line.startswith("sepal_length")]
    X = np.array([[float(v) for v in r[:4]] for r in rows], dtype=np.float64)
    y = np.array([int(r[4]) for r in rows], dtype=np.int64)
    return X, y, list(FEATURE_NAMES), list(CLASS_NAMES)


def train_test_split(X: Any, y: Any, test_size: int = 30, seed: int = 0,
                     stratify: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split rows into train and test sets, reproducibly.

    Parameters
    ----------
    X : array_like, shape (N, d)
    y : array_like, shape (N,)
    test_size : int
        Number of test rows (0 < test_size < N).
    seed : int
        Seed for ``numpy.random.default_rng``.
    stratify : bool
        Keep the class proportions in both parts.

    Returns
    -------
    X_train (N − test_size, d), X_test (test_size, d), y_train, y_test

    Notes
    -----
    Convention: stratified by default; each class gets round(test_size · n_class / N)
    test rows, the remainders going to the largest fractional parts, so 30 of Iris's
    150 rows are 10 per class. Both parts are shuffled.
    """
    X, y = np.asarray(X), np.asarray(y)
    N = len(y)
    if X.shape[0] != N:
        raise BiasgradError(f"X has {X.shape[0]} rows but y has {N}", "y")
    if not 0 < int(test_size) < N:
        raise BiasgradError(f"test_size must be between 1 and {N - 1}, got {test_size}", "test_size")
    rng = np.random.default_rng(seed)
    if stratify:
        classes, counts = np.unique(y, return_counts=True)
        share = test_size * counts / N
        k = np.floor(share).astype(int)
        k[np.argsort(-(share - k), kind="stable")[: test_size - k.sum()]] += 1
        test = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:kc] for c, kc in zip(classes, k)])
    else:
        test = rng.permutation(N)[:test_size]
    mask = np.zeros(N, bool)
    mask[test] = True
    tr, te = rng.permutation(np.flatnonzero(~mask)), rng.permutation(np.flatnonzero(mask))
    return X[tr], X[te], y[tr], y[te]


def standardize(X_train: Any, X_test: Any = None) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray]:
    """Scale features to mean 0, standard deviation 1 using the training rows' statistics.

    Returns
    -------
    X_train_std, X_test_std (or None), mean (d,), std (d,)

    Notes
    -----
    Convention: population standard deviation (ddof=0), as scikit-learn's StandardScaler;
    the test rows use the training mean and std, never their own.
    """
    Xtr = np.asarray(X_train, dtype=np.float64)
    mean, std = Xtr.mean(axis=0), Xtr.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    Xte = None if X_test is None else (np.asarray(X_test, dtype=np.float64) - mean) / std
    return (Xtr - mean) / std, Xte, mean, std
