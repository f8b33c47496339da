"""Wrong implementations of 05_pooling kept out of the diagnosis (see the package docstring)."""

from autograder.misconceptions import KeptOut as K

_POOL_CHECKS = '''
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("pool2d expects a 2-D array")
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if mode not in ("max", "avg"):
        raise ValueError("mode must be 'max' or 'avg'")
    if min(kh, kw, sh, sw) < 1 or min(ph, pw) < 0 or ph > kh // 2 or pw > kw // 2:
        raise ValueError("bad size, stride or padding")
    if kh > X.shape[0] + 2 * ph or kw > X.shape[1] + 2 * pw:
        raise ValueError("the window is larger than the padded input")
'''

KEPT_OUT = [
    # pool2d
    K("pool2d", "mode ignored: always max", '''
def pool2d(X, size, stride=None, padding=0, mode="max"):''' + _POOL_CHECKS + '''
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=-np.inf)
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw]
    return windows.max(axis=(2, 3))
''', ("argument ignored(mode)",)),
    K("pool2d", "stride pair read as (cols, rows)", '''
def pool2d(X, size, stride=None, padding=0, mode="max"):''' + _POOL_CHECKS + '''
    sw, sh = sh, sw
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw]
    return windows.max(axis=(2, 3)) if mode == "max" else windows.mean(axis=(2, 3))
''', ("pair swapped(stride)",)),
    K("pool2d", "output built column by column (transposed)", '''
def pool2d(X, size, stride=None, padding=0, mode="max"):''' + _POOL_CHECKS + '''
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    oh, ow = (Xp.shape[0] - kh) // sh + 1, (Xp.shape[1] - kw) // sw + 1
    reduce = np.max if mode == "max" else np.mean
    return np.array([[reduce(Xp[i * sh:i * sh + kh, j * sw:j * sw + kw]) for i in range(oh)] for j in range(ow)])
''', ("transposed",)),
    # pool_forward
    K("pool_forward", "output as (C, N, H', W')", '''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError("pool_forward expects a 4-D array")
    return np.array([[pool2d(X[n, c], size, stride, padding, mode) for n in range(X.shape[0])]
                     for c in range(X.shape[1])])
''', ("axes order",)),
    K("pool_forward", "padding ignored", '''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError("pool_forward expects a 4-D array")
    pool2d(np.zeros(X.shape[2:]), size, stride, padding, mode)   # the argument checks
    return np.array([[pool2d(X[n, c], size, stride, 0, mode) for c in range(X.shape[1])]
                     for n in range(X.shape[0])])
''', ("argument ignored(padding)",)),
    # shift_invariance
    K("shift_invariance", "percentage instead of fraction", '''
def shift_invariance(X, size, shift):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("2-D X expected")
    if not isinstance(shift, (int, np.integer)) or isinstance(shift, bool) or shift < 0:
        raise ValueError("shift must be an int >= 0")
    kh, kw = as_pair(size, "size")
    W = X.shape[1]
    Xs = np.zeros_like(X)
    if shift < W:
        Xs[:, shift:] = X[:, :W - shift]
    P, Q = pool2d(X, (kh, kw)), pool2d(Xs, (kh, kw))
    first = -(-shift // kw)
    if first >= P.shape[1]:
        raise ValueError("shift too large")
    return 100.0 * float(np.mean(P[:, first:] == Q[:, first:]))
''', ("scaled",)),
    # max_pool_backward
    K("max_pool_backward", "stride ignored (windows assumed not to overlap)", '''
def max_pool_backward(dout, X, size, stride=None):
    X = np.asarray(X, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError("X must be (N, C, H, W)")
    kh, kw = as_pair(size, "size")
    if stride is not None:
        as_pair(stride, "stride")
    if kh > X.shape[2] or kw > X.shape[3] or min(kh, kw) < 1:
        raise ValueError("bad window")
    N, C, H, W = X.shape
    oh, ow = (H - kh) // kh + 1, (W - kw) // kw + 1
    if dout.shape != (N, C, oh, ow):
        raise ValueError("dout has the wrong shape")
    dX = np.zeros_like(X)
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    win = X[n, c, i * kh:i * kh + kh, j * kw:j * kw + kw]
                    r, q = np.unravel_index(np.argmax(win), win.shape)
                    dX[n, c, i * kh + r, j * kw + q] += dout[n, c, i, j]
    return dX
''', ("argument ignored(stride)",)),
    # global_avg_pool
    K("global_avg_pool", "computed in float32 by torch", '''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4 or X.shape[2] == 0 or X.shape[3] == 0:
        raise ValueError("X must be (N, C, H, W) with H, W > 0")
    return torch.as_tensor(X).float().mean(dim=(2, 3)).numpy()
''', ("type",)),
    K("global_avg_pool", "(C, N) result", '''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4 or X.shape[2] == 0 or X.shape[3] == 0:
        raise ValueError("X must be (N, C, H, W) with H, W > 0")
    return np.array([[X[n, c].mean() for n in range(X.shape[0])] for c in range(X.shape[1])])
''', ("transposed",)),
]
