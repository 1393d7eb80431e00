"""analysis.topics.nmf gives scikit-learn's NMF results to the last bit, and leaves the input as scikit-learn does."""

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning

from analysis.topics.nmf import nmf_fit, nmf_transform


def _unsorted_tfidf_like(n_rows: int, n_cols: int, seed: int) -> sparse.csr_matrix:
    """A sparse non-negative matrix whose rows store their columns out of order, as a CSR product leaves them
    (the topic stage's TF-IDF matrix is one): the order scikit-learn puts right in place before it sums."""
    matrix = sparse.random(n_rows, n_cols, density=0.15, format="csr", random_state=seed, dtype=np.float64)
    matrix.data = np.random.default_rng(seed).random(matrix.nnz) * 10.0 ** np.random.default_rng(seed + 1).integers(-3, 3, matrix.nnz)
    shuffled = np.random.default_rng(seed + 2)
    for row in range(n_rows):
        begin, end = matrix.indptr[row], matrix.indptr[row + 1]
        order = begin + shuffled.permutation(end - begin)
        matrix.indices[begin:end], matrix.data[begin:end] = matrix.indices[order], matrix.data[order]
    matrix.has_sorted_indices = False
    return matrix


def _sklearn(matrix, k, init, seed, rows=None):
    estimator = NMF(n_components=k, init=init, random_state=seed, max_iter=400, tol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        shares = estimator.fit_transform(matrix if rows is None else matrix[rows])
        scored = estimator.transform(matrix) if rows is not None else None
    return shares, estimator.components_, float(estimator.reconstruction_err_), scored


def _ours(matrix, k, init, seed, rows=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        shares, components, error = nmf_fit(matrix if rows is None else matrix[rows], k, init=init, random_state=seed)
        scored = nmf_transform(matrix, components) if rows is not None else None
    return shares, components, error, scored


@pytest.mark.parametrize("init", ["nndsvda", "random"])
@pytest.mark.parametrize("k", [2, 5])
def test_fit_is_sklearns_to_the_bit(init, k):
    original = _unsorted_tfidf_like(60, 40, seed=k)
    theirs_input, ours_input = original.copy(), original.copy()
    theirs, ours = _sklearn(theirs_input, k, init, 7), _ours(ours_input, k, init, 7)
    assert np.array_equal(theirs[0], ours[0])
    assert np.array_equal(theirs[1], ours[1])
    assert theirs[2] == ours[2]
    # scikit-learn sorts the caller's matrix in place (its X.min() check); ours does too, so later slices match
    assert np.array_equal(theirs_input.indices, ours_input.indices) and np.array_equal(theirs_input.data, ours_input.data)
    assert not np.array_equal(original.indices, ours_input.indices)


def test_fit_on_some_rows_then_transform_is_sklearns_to_the_bit():
    matrix = _unsorted_tfidf_like(80, 30, seed=3)
    rows = np.arange(0, 80, 2)
    theirs, ours = _sklearn(matrix.copy(), 4, "nndsvda", 5, rows), _ours(matrix.copy(), 4, "nndsvda", 5, rows)
    for their, our in zip(theirs, ours):
        assert np.array_equal(their, our)


def test_transform_scores_rows_with_fixed_topics():
    topics = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]])
    shares = nmf_transform(sparse.csr_matrix([[2.0, 0.0, 0.0], [0.0, 3.0, 3.0]]), topics)
    assert np.allclose(shares, [[2.0, 0.0], [0.0, 3.0]])
