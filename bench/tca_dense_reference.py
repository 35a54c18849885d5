"""The references' dense TCA/JDA (the textbook's TCA.py / JDA.py, kernel "rbf" or "linear"), for bench/scale.ts.

Forms the n x n kernel, K M K^T + lambda I and K H K^T in float64 and calls scipy.linalg.eig on the pencil:
O(n^3) time, several n^2 float64 arrays. numpy only (no scikit-learn): the rbf kernel and 1-NN are written out.

    python3 bench/tca_dense_reference.py <source csv.gz> <target csv.gz> <n_source> <n_target> <kernel> <gamma> <dim> <iterations> <seed>

iterations = 0: TCA; > 0: JDA with that many rounds. Prints one JSON line: seconds, peak RSS (MiB), accuracy.
A bench tool only (Debian: apt-get install python3-scipy); transferlab itself does not need Python.
"""
import gzip, json, resource, sys, time
import numpy as np
import scipy
import scipy.linalg


def load(path):
    with gzip.open(path, "rt") as f:
        d = np.loadtxt(f, delimiter=",", skiprows=1)
    return d[:, :-1], d[:, -1].astype(int)


def subset(X, y, n, seed):
    """rows floor(i N / n), i < n: the same rows bench/scale.ts takes (spread over the file's class blocks)"""
    if n >= len(y):
        return X, y
    idx = (np.arange(n) * len(y)) // n
    return X[idx], y[idx]


def kernel(ker, X, gamma):  # X: features x samples, as the textbook
    if ker == "linear":
        return X.T @ X
    sq = np.sum(X * X, axis=0)
    D = np.maximum(sq[:, None] + sq[None, :] - 2 * X.T @ X, 0)
    return np.exp(-gamma * D)


def one_nn(Zs, ys, Zt):
    d = np.sum(Zs * Zs, axis=1)[None, :] - 2 * Zt @ Zs.T
    return ys[np.argmin(d, axis=1)]


def main():
    src, tgt, ns, nt, ker, gamma, dim, T, seed = sys.argv[1:10]
    Xs, ys = subset(*load(src), int(ns), int(seed))
    Xt, yt = subset(*load(tgt), int(nt), int(seed) + 1)
    Xs = Xs / np.linalg.norm(Xs, axis=1, keepdims=True)
    Xt = Xt / np.linalg.norm(Xt, axis=1, keepdims=True)
    gamma, dim, T, lamb = float(gamma), int(dim), int(T), 1.0
    t0 = time.time()
    X = np.hstack((Xs.T, Xt.T))
    X /= np.linalg.norm(X, axis=0)
    m, n = X.shape
    ns, nt = len(ys), len(yt)
    e = np.vstack((1 / ns * np.ones((ns, 1)), -1 / nt * np.ones((nt, 1))))
    C = len(np.unique(ys))
    H = np.eye(n) - 1 / n * np.ones((n, n))
    K = kernel(ker, X, gamma)
    pseudo = None
    for t in range(max(1, T)):
        M = e * e.T * (C if T > 0 else 1)
        if pseudo is not None:
            for c in np.unique(ys):
                ec = np.zeros((n, 1))
                ec[np.where(ys == c)[0]] = 1 / np.sum(ys == c)
                idx = np.where(pseudo == c)[0]
                if len(idx) > 0:
                    ec[ns + idx] = -1 / len(idx)
                M = M + ec @ ec.T
        M = M / np.linalg.norm(M, "fro")
        a, b = np.linalg.multi_dot([K, M, K.T]) + lamb * np.eye(n), np.linalg.multi_dot([K, H, K.T])
        w, V = scipy.linalg.eig(a, b)
        ind = np.argsort(w)
        A = V[:, ind[:dim]]
        Z = np.real(A.T @ K)
        Z /= np.linalg.norm(Z, axis=0)
        Zs, Zt = Z[:, :ns].T, Z[:, ns:].T
        pseudo = one_nn(Zs, ys, Zt)
    seconds = time.time() - t0
    print(json.dumps({"seconds": seconds, "peakMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "accuracy": float(np.mean(pseudo == yt)), "n": n, "numpy": np.__version__, "scipy": scipy.__version__}))


if __name__ == "__main__":
    main()
