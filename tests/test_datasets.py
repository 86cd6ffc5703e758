"""Iris data and the seeded split."""

import numpy as np
import pytest

from biasgrad.datasets import load_iris, standardize, train_test_split


def test_iris_shape_classes_and_means():
    X, y, features, classes = load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and np.issubdtype(y.dtype, np.integer)
    assert np.bincount(y).tolist() == [50, 50, 50]
    # published column means (scikit-learn's corrected copy)
    assert np.allclose(X.mean(axis=0), [5.843, 3.057, 3.758, 1.199], atol=5e-4)
    assert classes == ["setosa", "versicolor", "virginica"] and len(features) == 4


def test_iris_known_rows_and_corrections():
    X, y, _, _ = load_iris()
    assert X[0].tolist() == [5.1, 3.5, 1.4, 0.2] and y[0] == 0
    assert X[50].tolist() == [7.0, 3.2, 4.7, 1.4] and y[50] == 1
    assert X[149].tolist() == [5.9, 3.0, 5.1, 1.8] and y[149] == 2
    assert X[34].tolist() == [4.9, 3.1, 1.5, 0.2]  # UCI erratum: petal width 0.1
    assert X[37].tolist() == [4.9, 3.6, 1.4, 0.1]  # UCI erratum: 4.9, 3.1, 1.5, 0.1
    assert X.sum() == pytest.approx(2078.7, abs=1e-9)  # 876.5 + 458.6 + 563.7 + 179.9


def test_split_is_stratified_seeded_and_complete():
    X, y, _, _ = load_iris()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=30, seed=0)
    assert Xtr.shape == (120, 4) and Xte.shape == (30, 4)
    assert np.bincount(yte).tolist() == [10, 10, 10] and np.bincount(ytr).tolist() == [40, 40, 40]
    again = train_test_split(X, y, test_size=30, seed=0)
    assert np.array_equal(again[1], Xte) and np.array_equal(again[3], yte)
    other = train_test_split(X, y, test_size=30, seed=1)
    assert not np.array_equal(other[1], Xte)
    rows = sorted(map(tuple, np.column_stack([np.vstack([Xtr, Xte]), np.concatenate([ytr, yte])]).tolist()))
    assert rows == sorted(map(tuple, np.column_stack([X, y]).tolist()))


def test_unstratified_split_and_bad_size():
    X, y, _, _ = load_iris()
    assert train_test_split(X, y, 15, seed=3, stratify=False)[1].shape == (15, 4)
    with pytest.raises(ValueError):
        train_test_split(X, y, test_size=150)


def test_standardize_uses_training_statistics():
    Xtr = np.array([[1.0, 10.0], [3.0, 10.0]])  # mean [2, 10], std [1, 0 → 1]
    Xte = np.array([[5.0, 12.0]])
    Ztr, Zte, mean, std = standardize(Xtr, Xte)
    assert Ztr.tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    assert Zte.tolist() == [[3.0, 2.0]]  # (5 − 2)/1, (12 − 10)/1
    assert mean.tolist() == [2.0, 10.0] and std.tolist() == [1.0, 1.0]
