"""Wrong implementations of 02_padding_stride kept out of the diagnosis (see the package docstring)."""

from autograder.misconceptions import KeptOut as K

KEPT_OUT = [
    # conv_output_size: the two
    K("conv_output_size", "without the +1 (and a check that the result is not negative)", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    for name, v, low in (("n", n, 1), ("k", k, 1), ("padding", padding, 0), ("stride", stride, 1),
                         ("dilation", dilation, 1)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name} must be an integer >= {low}")
    size = (n + 2 * padding - dilation * (k - 1) - 1) // stride
    if size < 0:
        raise ValueError("the kernel does not fit in the padded input")
    return int(size)
''', ("forgot the +1", "one less")),
    K("conv_output_size", "pads once (n + p)", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride, dilation = as_int(padding, "padding", 0), as_int(stride, "stride", 1), as_int(dilation, "d", 1)
    span = dilation * (k - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("the kernel does not fit in the padded input")
    return max((n + padding - span) // stride + 1, 0)
''', ("padding counted once",)),
    K("conv_output_size", "dilation ignored (d*(k-1) left out)", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride, dilation = as_int(padding, "padding", 0), as_int(stride, "stride", 1), as_int(dilation, "d", 1)
    if k > n + 2 * padding:
        raise ValueError("the kernel does not fit in the padded input")
    return (n + 2 * padding - k) // stride + 1
''', ("argument ignored(dilation)",)),
    # pad2d
    K("pad2d", "all the padding after the input (bottom and right)", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    pr, pc = as_pair(padding, "padding", 0)
    out = np.zeros((X.shape[0] + 2 * pr, X.shape[1] + 2 * pc))
    out[:X.shape[0], :X.shape[1]] = X
    return out
''', ("shifted",)),
    K("pad2d", "first entry of a padding pair used for both axes", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    if isinstance(padding, (tuple, list)):
        as_pair(padding, "padding", 0)
        padding = padding[0]
    p = as_int(padding, "padding", 0)
    return np.pad(X, p)
''', ("pair first(padding)",)),
    K("pad2d", "np.pad keeps the input's dtype", '''
def pad2d(X, padding):
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    pr, pc = as_pair(padding, "padding", 0)
    return np.pad(X, ((pr, pr), (pc, pc)))
''', ("integer dtype kept", "type")),
    # dilate_kernel
    K("dilate_kernel", "first entry of a dilation pair used for both axes", '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2 or K.size == 0:
        raise ValueError("K must be a non-empty 2-D array")
    d = as_pair(dilation, "dilation", 1)[0]
    out = np.zeros((d * (K.shape[0] - 1) + 1, d * (K.shape[1] - 1) + 1))
    out[::d, ::d] = K
    return out
''', ("pair first(dilation)",)),
    K("dilate_kernel", "rows and columns mixed up (result transposed)", '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2 or K.size == 0:
        raise ValueError("K must be a non-empty 2-D array")
    dr, dc = as_pair(dilation, "dilation", 1)
    kh, kw = K.shape
    out = np.zeros((dc * (kw - 1) + 1, dr * (kh - 1) + 1))
    out[::dc, ::dr] = K.T
    return out
''', ("transposed",)),
    # corr2d_general
    K("corr2d_general", "dilation ignored", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or X.size == 0 or K.size == 0:
        raise ValueError("2-D, non-empty X and K expected")
    pr, pc = as_pair(padding, "padding", 0)
    sr, sc = as_pair(stride, "stride", 1)
    as_pair(dilation, "dilation", 1)
    Xp = pad2d(X, (pr, pc))
    kh, kw = K.shape
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("the kernel is larger than the padded input")
    oh, ow = (Xp.shape[0] - kh) // sr + 1, (Xp.shape[1] - kw) // sc + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh, j * sc:j * sc + kw] * K)
    return out
''', ("argument ignored(dilation)",)),
    K("corr2d_general", "padding ignored", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or X.size == 0 or K.size == 0:
        raise ValueError("2-D, non-empty X and K expected")
    as_pair(padding, "padding", 0)
    sr, sc = as_pair(stride, "stride", 1)
    Kd = dilate_kernel(K, dilation)
    if Kd.shape[0] > X.shape[0] or Kd.shape[1] > X.shape[1]:
        raise ValueError("the kernel is larger than the input")
    oh, ow = (X.shape[0] - Kd.shape[0]) // sr + 1, (X.shape[1] - Kd.shape[1]) // sc + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(X[i * sr:i * sr + Kd.shape[0], j * sc:j * sc + Kd.shape[1]] * Kd)
    return out
''', ("argument ignored(padding)",)),
    K("corr2d_general", "output transposed (loops over columns, then rows)", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or X.size == 0 or K.size == 0:
        raise ValueError("2-D, non-empty X and K expected")
    pr, pc = as_pair(padding, "padding", 0)
    sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp, Kd = pad2d(X, (pr, pc)), dilate_kernel(K, (dr, dc))
    if Kd.shape[0] > Xp.shape[0] or Kd.shape[1] > Xp.shape[1]:
        raise ValueError("the kernel is larger than the padded input")
    oh = conv_output_size(X.shape[0], K.shape[0], pr, sr, dr)
    ow = conv_output_size(X.shape[1], K.shape[1], pc, sc, dc)
    return np.array([[np.sum(Xp[i * sr:i * sr + Kd.shape[0], j * sc:j * sc + Kd.shape[1]] * Kd)
                      for i in range(oh)] for j in range(ow)])
''', ("transposed",)),
    # same_padding
    K("same_padding", "extra zero before (ceil of total / 2 first)", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return total - total // 2, total // 2
''', ("extra zero before", "reversed")),
    K("same_padding", "returns a list", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return [total // 2, total - total // 2]
''', ("type",)),
]
