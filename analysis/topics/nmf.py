"""scikit-learn's NMF (coordinate descent, Frobenius loss, no regularisation), with the same arithmetic in less time.

The topic stage fits hundreds of models; these give scikit-learn's ``NMF(solver="cd")`` results to the last bit
(a test compares them), but lay out each sparse product once instead of once per iteration and reuse what stays fixed.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse

MAX_ITER = 400
TOL = 1e-4


def _canonical(matrix):
    """The matrix as scikit-learn's NMF holds it: a CSR float64 matrix is the caller's own, put in canonical form
    (sorted column indices, no duplicates) in place, as scikit-learn's ``X.min()`` check does; later slices of the
    caller's matrix then have sorted rows too, as they had after scikit-learn. Anything else becomes a new CSR copy.
    """
    if not (sparse.issparse(matrix) and matrix.format == "csr" and matrix.dtype == np.float64):
        matrix = sparse.csr_matrix(matrix, dtype=np.float64)
    matrix.sum_duplicates()
    return matrix


def _product_layouts(matrix):
    """(X for ``X @ Ht``, X.T for ``X.T @ W``) of a canonical CSR ``X``, multiplying exactly as scikit-learn does.

    scikit-learn computes ``X @ Ht`` row by row on CSR; in canonical form each output element sums its terms in
    column order, and so does the CSC product, which is faster (it adds into different rows in turn rather than into
    one row again and again). ``X.T`` of a CSR matrix is CSC, as scikit-learn uses it; made once here, not once per
    iteration.
    """
    return matrix.tocsc(), matrix.T


def _coordinate_descent(matrix, W: np.ndarray, H: np.ndarray, *, update_H: bool, max_iter: int, tol: float):
    """scikit-learn's ``_fit_coordinate_descent`` without regularisation or shuffling, on a canonical CSR matrix:
    (W, H, iterations)."""
    from sklearn.decomposition._cdnmf_fast import _update_cdnmf_fast

    W, Ht = np.ascontiguousarray(W), np.ascontiguousarray(H.T)
    # H fixed (transform): its products never change, so they are made once, from the CSR matrix (no CSC copy)
    by_rows, transposed = _product_layouts(matrix) if update_H else (matrix, None)
    k = Ht.shape[1]
    permutation = np.arange(k, dtype=np.intp)
    fixed = None if update_H else (np.dot(Ht.T, Ht), by_rows @ Ht)
    violation_init = 0.0
    for n_iter in range(1, max_iter + 1):
        violation = 0.0
        HHt, XHt = fixed if fixed is not None else (np.dot(Ht.T, Ht), by_rows @ Ht)
        violation += _update_cdnmf_fast(W, HHt, XHt, permutation)
        if update_H:
            violation += _update_cdnmf_fast(Ht, np.dot(W.T, W), transposed @ W, permutation)
        if n_iter == 1:
            violation_init = violation
        if violation_init == 0 or violation / violation_init <= tol:
            break
    if n_iter == max_iter and tol > 0:
        from sklearn.exceptions import ConvergenceWarning

        warnings.warn(f"Maximum number of iterations {max_iter} reached. Increase it to improve convergence.",
                      ConvergenceWarning, stacklevel=3)
    return W, Ht.T, n_iter


def nmf_fit(matrix, k: int, *, init: str, random_state: int, max_iter: int = MAX_ITER, tol: float = TOL):
    """``NMF(n_components=k, init=init, random_state=random_state, max_iter=max_iter, tol=tol)``: fit_transform's W,
    ``components_`` and ``reconstruction_err_`` of a sparse matrix. A CSR float64 ``matrix`` is put in canonical
    form in place, as scikit-learn does."""
    from sklearn.decomposition._nmf import _beta_divergence, _initialize_nmf

    matrix = _canonical(matrix)
    W, H = _initialize_nmf(matrix, k, init=init, random_state=random_state)
    W, H, _ = _coordinate_descent(matrix, W, H, update_H=True, max_iter=max_iter, tol=tol)
    return W, H, float(_beta_divergence(matrix, W, H, 2, square_root=True))


def nmf_transform(matrix, components: np.ndarray, *, max_iter: int = MAX_ITER, tol: float = TOL) -> np.ndarray:
    """``NMF.transform``: each row's topic weights given the fitted ``components`` (topics × terms), with the
    products of the fixed topics computed once rather than once per iteration (a CSR float64 ``matrix`` is put in
    canonical form in place, as scikit-learn does)."""
    matrix = _canonical(matrix)
    W = np.zeros((matrix.shape[0], components.shape[0]), dtype=matrix.dtype)
    return _coordinate_descent(matrix, W, components, update_H=False, max_iter=max_iter, tol=tol)[0]
