"""The references' dense TCA/JDA (the textbook's TCA.py / JDA.py, kernel "rbf" or "linear"), for bench/scale.ts.

Forms the n x n kernel, K M K^T + lambda I and K H K^T in float64 and calls scipy.linalg.eig on the pencil:
O(n^3) time, several n^2 float64 arrays. numpy only (no scikit-learn): the rbf kernel and 1-NN are written out.

    python3 bench/tca_dense_reference.py <source csv.gz> <target csv.gz> <n_source> <n_target> <kernel> <gamma> <dim> <iterations> <seed> [prep]

kernel: "primal" (the d x d problem, Office-Caltech's protocol), "linear" or "rbf"; prep: "l2" (default) or
"l1zscore" (rows divided by their L1 norm, then columns z-scored per domain, as transferlab's preprocess).

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
    if ker == "primal":
        return X
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
    prep = sys.argv[10] if len(sys.argv) > 10 else "l2"
    Xs, ys = subset(*load(src), int(ns), int(seed))
    Xt, yt = subset(*load(tgt), int(nt), int(seed) + 1)
    if prep == "l1zscore":
        def l1z(X):
            X = X / np.maximum(np.abs(X).sum(axis=1, keepdims=True), 1e-300)
            sd = X.std(axis=0)
            return np.where(sd > 0, (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1), 0)
        Xs, Xt = l1z(Xs), l1z(Xt)
    else:
        Xs = Xs / np.linalg.norm(Xs, axis=1, keepdims=True)
        Xt = Xt / np.linalg.norm(Xt, axis=1, keepdims=True)
    gamma, dim, T, lamb = float(gamma), int(dim), int(T), 1.0
    t0 = time.time()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
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
        n_eye = m if ker == "primal" else n
        a, b = np.linalg.multi_dot([K, M, K.T]) + lamb * np.eye(n_eye), np.linalg.multi_dot([K, H, K.T])
        w, V = scipy.linalg.eig(a, b)
        ind = np.argsort(w)
        A = V[:, ind[:dim]]
        Z = np.real(A.T @ K)
        Z /= np.linalg.norm(Z, axis=0)
        Zs, Zt = Z[:, :ns].T, Z[:, ns:].T
        pseudo = one_nn(Zs, ys, Zt)
    seconds = time.time() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peakMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "accuracy": float(np.mean(pseudo == yt)), "n": n, "numpy": np.__version__, "scipy": scipy.__version__}))


if __name__ == "__main__":
    main()
