"""Wrong implementations of 01_convolution kept out of the diagnosis (see the package docstring)."""

from autograder.misconceptions import KeptOut as K

KEPT_OUT = [
    # corr2d: the four, and more
    K("corr2d", "convolution formula (kernel flipped by its indices)", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("corr2d needs 2-D arrays")
    kh, kw = K.shape
    H, W = X.shape
    if kh > H or kw > W:
        raise ValueError("the kernel is larger than the image")
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            for m in range(kh):
                for n in range(kw):
                    out[i, j] += X[i + m, j + n] * K[kh - 1 - m, kw - 1 - n]
    return out
''', ("kernel flipped", "argument changed(K, flipped on both axes)")),
    K("corr2d", "kernel transposed (K.T: rows of K along the columns)", '''
def corr2d(X, K):
    X = np.array(X, dtype=float)
    K = np.array(K, dtype=float)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("2-D input and kernel expected")
    K = K.T
    kh, kw = K.shape
    if kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError("kernel does not fit")
    out = np.empty((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (X[i:i + kh, j:j + kw] * K).sum()
    return out
''', ("kernel transposed", "argument changed(K, transposed)")),
    K("corr2d", "window averaged instead of summed", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    kh, kw = K.shape
    if kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError("K is larger than X")
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.mean(X[i:i + kh, j:j + kw] * K)
    return out
''', ("divided by size(K)",)),
    K("corr2d", "integer output array (values truncated)", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    kh, kw = K.shape
    if kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError("K is larger than X")
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1), dtype=int)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i + kh, j:j + kw] * K)
    return out
''', ("truncated",)),
    K("corr2d", "one column short (range(W - kw))", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    kh, kw = K.shape
    rows = [[np.sum(X[i:i + kh, j:j + kw] * K) for j in range(X.shape[1] - kw)]
            for i in range(X.shape[0] - kh + 1)]
    return np.array(rows, dtype=np.float64).reshape(X.shape[0] - kh + 1, X.shape[1] - kw)
''', ("short(one column)",)),
    # conv2d_flipped
    K("conv2d_flipped", "kernel turned by 90 degrees (np.rot90 once)", '''
def conv2d_flipped(X, K):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2:
        raise ValueError("K must be 2-D")
    return corr2d(X, np.rot90(K))
''', ("argument changed(K, turned by -90 degrees)",)),
    K("conv2d_flipped", "flips X instead of K", '''
def conv2d_flipped(X, K):
    X = np.asarray(X, dtype=np.float64)
    return corr2d(X[::-1, ::-1], K)
''', ("flipped(both axes)",)),
    # corr2d_fast
    K("corr2d_fast", "einsum output indices swapped (result transposed)", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    windows = np.lib.stride_tricks.sliding_window_view(X, K.shape)
    return np.einsum("ijmn,mn->ji", windows, K)
''', ("transposed",)),
    K("corr2d_fast", "mean over each window", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    windows = np.lib.stride_tricks.sliding_window_view(X, K.shape)
    return (windows * K).mean(axis=(2, 3))
''', ("divided by size(K)",)),
    K("corr2d_fast", "computed in float32", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float32)
    K = np.asarray(K, dtype=np.float32)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    windows = np.lib.stride_tricks.sliding_window_view(X, K.shape)
    return np.einsum("ijmn,mn->ij", windows, K)
''', ("type",)),
    # sobel_magnitude
    K("sobel_magnitude", "root mean square of Gx and Gy", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("2-D image expected")
    gx, gy = corr2d(img, SOBEL_X), corr2d(img, SOBEL_Y)
    return np.sqrt((gx ** 2 + gy ** 2) / 2)
''', ("scaled",)),
    K("sobel_magnitude", "max of |Gx| and |Gy|", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("2-D image expected")
    return np.maximum(np.abs(corr2d(img, SOBEL_X)), np.abs(corr2d(img, SOBEL_Y)))
''', ()),
    # learn_kernel
    K("learn_kernel", "returns the kernel transposed", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    x = torch.tensor(np.asarray(X, float))[None, None]
    y = torch.tensor(np.asarray(Y, float))[None, None]
    K = torch.zeros(1, 1, *kernel_shape, dtype=torch.float64, requires_grad=True)
    for _ in range(steps):
        loss = ((F.conv2d(x, K) - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            K -= lr * K.grad
            K.grad.zero_()
    return K.detach()[0, 0].numpy().T.copy()
''', ("transposed",)),
]
