"""Wrong implementations of 03_channels kept out of the diagnosis (see the package docstring)."""

from autograder.misconceptions import KeptOut as K

_CHECKS_IN = '''
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 3 or K.ndim != 3 or X.shape[0] != K.shape[0]:
        raise ValueError("X (C, H, W) and K (C, kh, kw) with the same C expected")
    if K.shape[1] > X.shape[1] or K.shape[2] > X.shape[2] or min(K.shape[1:]) < 1:
        raise ValueError("the kernel does not fit")
'''

KEPT_OUT = [
    # corr2d_multi_in
    K("corr2d_multi_in", "kernel flipped (true convolution per channel)", '''
def corr2d_multi_in(X, K):''' + _CHECKS_IN + '''
    K = K[:, ::-1, ::-1]
    kh, kw = K.shape[1:]
    out = np.zeros((X.shape[1] - kh + 1, X.shape[2] - kw + 1))
    for c in range(X.shape[0]):
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] += np.sum(X[c, i:i + kh, j:j + kw] * K[c])
    return out
''', ("kernel flipped", "argument changed(K, flipped on both axes)")),
    K("corr2d_multi_in", "= instead of += (only the last channel counts)", '''
def corr2d_multi_in(X, K):''' + _CHECKS_IN + '''
    kh, kw = K.shape[1:]
    out = np.zeros((X.shape[1] - kh + 1, X.shape[2] - kw + 1))
    for c in range(X.shape[0]):
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = np.sum(X[c, i:i + kh, j:j + kw] * K[c])
    return out
''', ("one of arguments(X and K, last)",)),
    # corr2d_multi_in_out
    K("corr2d_multi_in_out", "filters stacked on axis 1", '''
def corr2d_multi_in_out(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 3 or K.ndim != 4 or X.shape[0] != K.shape[1]:
        raise ValueError("X (C_in, H, W) and K (C_out, C_in, kh, kw) expected")
    if K.shape[2] > X.shape[1] or K.shape[3] > X.shape[2]:
        raise ValueError("the kernel does not fit")
    return np.stack([corr2d_multi_in(X, k) for k in K], axis=1)
''', ("axes order",)),
    K("corr2d_multi_in_out", "first input channel only", '''
def corr2d_multi_in_out(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 3 or K.ndim != 4 or X.shape[0] != K.shape[1]:
        raise ValueError("X (C_in, H, W) and K (C_out, C_in, kh, kw) expected")
    if K.shape[2] > X.shape[1] or K.shape[3] > X.shape[2]:
        raise ValueError("the kernel does not fit")
    windows = np.lib.stride_tricks.sliding_window_view(X[0], K.shape[2:])
    return np.einsum("ijmn,omn->oij", windows, K[:, 0])
''', ("one of arguments(X and K, first)",)),
    # corr2d_1x1
    K("corr2d_1x1", "einsum with the output channels last", '''
def corr2d_1x1(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
        raise ValueError("X (C_in, H, W) and K (C_out, C_in) expected")
    return np.einsum("oc,chw->hwo", K, X)
''', ("axes order",)),
    K("corr2d_1x1", "float32 matrix product", '''
def corr2d_1x1(X, K):
    X = np.asarray(X, dtype=np.float32)
    K = np.asarray(K, dtype=np.float32)
    if X.ndim != 3 or K.ndim != 2 or K.shape[1] != X.shape[0]:
        raise ValueError("X (C_in, H, W) and K (C_out, C_in) expected")
    C, H, W = X.shape
    return (K @ X.reshape(C, H * W)).reshape(K.shape[0], H, W)
''', ("type",)),
    # conv_output_shape
    K("conv_output_shape", "stride ignored", '''
def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
    if len(in_shape) != 3 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in in_shape):
        raise ValueError("in_shape must be three positive ints")
    if not isinstance(out_channels, (int, np.integer)) or out_channels < 1:
        raise ValueError("out_channels must be a positive int")
    _, H, W = in_shape
    kh, kw = as_pair(k, "k", 1)
    ph, pw = as_pair(padding, "padding", 0)
    as_pair(stride, "stride", 1)
    dh, dw = as_pair(dilation, "dilation", 1)
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if eh > H + 2 * ph or ew > W + 2 * pw:
        raise ValueError("the kernel does not fit")
    return (int(out_channels), int(H + 2 * ph - eh + 1), int(W + 2 * pw - ew + 1))
''', ("argument ignored(stride)",)),
    K("conv_output_shape", "kernel pair read as (cols, rows)", '''
def conv_output_shape(in_shape, out_channels, k, padding=0, stride=1, dilation=1):
    if len(in_shape) != 3 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in in_shape):
        raise ValueError("in_shape must be three positive ints")
    if not isinstance(out_channels, (int, np.integer)) or out_channels < 1:
        raise ValueError("out_channels must be a positive int")
    _, H, W = in_shape
    kw, kh = as_pair(k, "k", 1)
    ph, pw = as_pair(padding, "padding", 0)
    sh, sw = as_pair(stride, "stride", 1)
    dh, dw = as_pair(dilation, "dilation", 1)
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if eh > H + 2 * ph or ew > W + 2 * pw:
        raise ValueError("the kernel does not fit")
    return (int(out_channels), (H + 2 * ph - eh) // sh + 1, (W + 2 * pw - ew) // sw + 1)
''', ("pair swapped(k)", "pair arguments: rows and cols mixed up")),
    # corr1d
    K("corr1d", "np.correlate with the arguments swapped", '''
def corr1d(x, k):
    x = np.asarray(x, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    if x.ndim != 1 or k.ndim != 1 or not 1 <= k.size <= x.size:
        raise ValueError("1-D x and k with 1 <= len(k) <= len(x) expected")
    return np.correlate(k, x, mode="valid")
''', ("reversed",)),
    K("corr1d", "mean over the window", '''
def corr1d(x, k):
    x = np.asarray(x, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    if x.ndim != 1 or k.ndim != 1 or not 1 <= k.size <= x.size:
        raise ValueError("1-D x and k with 1 <= len(k) <= len(x) expected")
    return np.array([np.mean(x[i:i + k.size] * k) for i in range(x.size - k.size + 1)])
''', ("divided by size(k)", "scaled")),
    # corr3d
    K("corr3d", "einsum output axes in the order (H', D', W')", '''
def corr3d(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 3 or K.ndim != 3 or any(k > n for k, n in zip(K.shape, X.shape)) or min(K.shape) < 1:
        raise ValueError("3-D X and a 3-D kernel that fits expected")
    windows = np.lib.stride_tricks.sliding_window_view(X, K.shape)
    return np.einsum("tijamn,amn->itj", windows, K)
''', ("axes order",)),
    # conv2d_forward
    K("conv2d_forward", "only the first sample of the batch", '''
def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
        raise ValueError("X (N, C_in, H, W) and W (C_out, C_in, kh, kw) expected")
    x = torch.as_tensor(X[:1])
    bias = None if b is None else torch.as_tensor(np.asarray(b, dtype=np.float64))
    if bias is not None and tuple(bias.shape) != (W.shape[0],):
        raise ValueError("one bias per filter")
    for name, v, low in (("stride", stride, 1), ("padding", padding, 0), ("dilation", dilation, 1)):
        if np.min(v) < low:
            raise ValueError(f"{name} must be >= {low}")
    try:
        return F.conv2d(x, torch.as_tensor(W), bias, stride, padding, dilation).numpy()
    except RuntimeError as e:
        raise ValueError(str(e)) from None
''', ("one of argument(X, first)",)),
    K("conv2d_forward", "dilation pair read as (cols, rows)", '''
def conv2d_forward(X, W, b=None, stride=1, padding=0, dilation=1):
    X = np.asarray(X, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    if X.ndim != 4 or W.ndim != 4 or X.shape[1] != W.shape[1]:
        raise ValueError("X (N, C_in, H, W) and W (C_out, C_in, kh, kw) expected")
    N, C, H, Wd = X.shape
    C_out, _, kh, kw = W.shape
    sh, sw = as_pair(stride, "stride", 1)
    ph, pw = as_pair(padding, "padding", 0)
    dw, dh = as_pair(dilation, "dilation", 1)
    eh, ew = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    if eh > H + 2 * ph or ew > Wd + 2 * pw:
        raise ValueError("the kernel does not fit")
    if b is not None and np.shape(b) != (C_out,):
        raise ValueError("one bias per filter")
    Xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    oh, ow = (H + 2 * ph - eh) // sh + 1, (Wd + 2 * pw - ew) // sw + 1
    out = np.zeros((N, C_out, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = Xp[:, :, i * sh:i * sh + eh:dh, j * sw:j * sw + ew:dw]
            out[:, :, i, j] = np.einsum("ncij,ocij->no", patch, W)
    return out if b is None else out + np.asarray(b, dtype=np.float64)[None, :, None, None]
''', ("pair swapped(dilation)",)),
    # to_nhwc, to_nchw
    K("to_nhwc", "transpose(0, 2, 1, 3)", '''
def to_nhwc(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError("4-D input expected")
    return np.ascontiguousarray(X.transpose(0, 2, 1, 3))
''', ("axes order", "transposed")),
    K("to_nchw", "np.moveaxis(X, 1, 3) (source and destination swapped)", '''
def to_nchw(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError("4-D input expected")
    return np.ascontiguousarray(np.moveaxis(X, 1, 3))
''', ("axes order", "inverse permutation")),
]
