"""Wrong implementations of the graded functions of 05_pooling that learners plausibly write."""

from __future__ import annotations

from autograder.misconceptions import Alternative as A
from autograder.misconceptions import Misconception

# ----------------------------------------------------------------------------------------------- pool2d
_POOL2D_CHECKS = '''
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if mode not in ("max", "avg"):
        raise ValueError(f"unknown mode {mode!r}")
    if min(kh, kw) < 1 or min(sh, sw) < 1 or min(ph, pw) < 0:
        raise ValueError("bad size, stride or padding")
    if ph > kh // 2 or pw > kw // 2:
        raise ValueError("padding larger than half the window")
    H, W = X.shape
    if kh > H + 2 * ph or kw > W + 2 * pw:
        raise ValueError("window larger than the padded input")
'''

MISCONCEPTIONS: list[Misconception] = [
    Misconception(
        function="pool2d",
        name="default_stride_one",
        message="The stride of a pooling layer defaults to the window size (nn.MaxPool2d(2) halves each side), "
                "not to 1 as in convolution.",
        source='''
def pool2d(X, size, stride=None, padding=0, mode="max"):
    if stride is None:
        stride = 1
''' + _POOL2D_CHECKS + '''
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    win = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw]
    return win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
''',
    ),
    Misconception(
        function="pool2d",
        name="avg_ignores_padding",
        message="Average pooling divides by the full window size, padded zeros included (torch's default "
                "count_include_pad=True); dividing by the number of real cells is count_include_pad=False.",
        source='''
def pool2d(X, size, stride=None, padding=0, mode="max"):
''' + _POOL2D_CHECKS + '''
    if mode == "max":
        Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=-np.inf)
        return np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw].max(axis=(2, 3))
    Xp = np.pad(X, ((ph, ph), (pw, pw)))
    real = np.pad(np.ones_like(X), ((ph, ph), (pw, pw)))
    sums = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw].sum(axis=(2, 3))
    counts = np.lib.stride_tricks.sliding_window_view(real, (kh, kw))[::sh, ::sw].sum(axis=(2, 3))
    return sums / counts
''',
    ),
    Misconception(
        function="pool2d",
        name="max_pads_with_zero",
        message="Max pooling pads with -inf so that a padded cell never wins; padding with 0 makes the border "
                "outputs 0 wherever the real values are negative.",
        source='''
def pool2d(X, size, stride=None, padding=0, mode="max"):
''' + _POOL2D_CHECKS + '''
    Xp = np.pad(X, ((ph, ph), (pw, pw)))
    win = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw]
    return win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
''',
    ),
    Misconception(
        function="pool2d",
        name="ceil_output_size",
        message="The output size is floor((n + 2p - k) / s) + 1 (torch's ceil_mode=False): a last window that "
                "would stick out of the padded input is dropped, not pooled over the cells that remain.",
        source='''
def pool2d(X, size, stride=None, padding=0, mode="max"):
''' + _POOL2D_CHECKS + '''
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    oh = -(-(H + 2 * ph - kh) // sh) + 1
    ow = -(-(W + 2 * pw - kw) // sw) + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            window = Xp[i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[i, j] = window.max() if mode == "max" else window.mean()
    return out
''',
    ),
    Misconception(
        function="pool2d",
        name="square_window_only",
        message="size, stride and padding may be pairs (rows, cols): use the row value along the rows and the "
                "column value along the columns.",
        source='''
def pool2d(X, size, stride=None, padding=0, mode="max"):
''' + _POOL2D_CHECKS + '''
    kw, sw, pw = kh, sh, ph
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    win = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw]
    return win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
''',
    ),
    Misconception(
        function="pool2d",
        name="no_padding_limit",
        message="Padding larger than half the window must raise ValueError (torch refuses it: a window could "
                "then lie entirely in the padding).",
        source='''
def pool2d(X, size, stride=None, padding=0, mode="max"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if mode not in ("max", "avg"):
        raise ValueError(f"unknown mode {mode!r}")
    if min(kh, kw) < 1 or min(sh, sw) < 1 or min(ph, pw) < 0:
        raise ValueError("bad size, stride or padding")
    H, W = X.shape
    if kh > H + 2 * ph or kw > W + 2 * pw:
        raise ValueError("window larger than the padded input")
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    win = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw]
    return win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
''',
    ),
    Misconception(
        function="pool2d",
        name="any_mode_is_avg",
        message="Only 'max' and 'avg' are pooling modes; anything else must raise ValueError instead of silently "
                "averaging.",
        source='''
def pool2d(X, size, stride=None, padding=0, mode="max"):
    mode_asked = mode
    mode = "max" if mode == "max" else "avg"
''' + _POOL2D_CHECKS + '''
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=fill)
    win = np.lib.stride_tricks.sliding_window_view(Xp, (kh, kw))[::sh, ::sw]
    return win.max(axis=(2, 3)) if mode == "max" else win.mean(axis=(2, 3))
''',
    ),
]

# ----------------------------------------------------------------------------------------- pool_forward
_FORWARD_CHECKS = '''
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected (N, C, H, W), got shape {X.shape}")
    N, C, H, W = X.shape
'''

MISCONCEPTIONS += [
    Misconception(
        function="pool_forward",
        name="pools_across_channels",
        message="A pooling layer pools each channel on its own: the window never spans several channels, and "
                "the output keeps all C channels with their own values.",
        source='''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
''' + _FORWARD_CHECKS + '''
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    win = np.lib.stride_tricks.sliding_window_view(Xp, (C, kh, kw), axis=(1, 2, 3))[:, :, ::sh, ::sw]
    out = win.max(axis=(4, 5, 6)) if mode == "max" else win.mean(axis=(4, 5, 6))
    return np.repeat(out, C, axis=1)
''',
    ),
    Misconception(
        function="pool_forward",
        name="default_stride_one",
        message="The stride defaults to the window size, not to 1.",
        source='''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
''' + _FORWARD_CHECKS + '''
    return np.stack([np.stack([pool2d(X[n, c], size, 1 if stride is None else stride, padding, mode)
                               for c in range(C)]) for n in range(N)])
''',
    ),
    Misconception(
        function="pool_forward",
        name="first_sample_only",
        message="Pool every sample of the batch, not only X[0].",
        source='''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
''' + _FORWARD_CHECKS + '''
    first = np.stack([pool2d(X[0, c], size, stride, padding, mode) for c in range(C)])
    return np.repeat(first[None], N, axis=0)
''',
    ),
    Misconception(
        function="pool_forward",
        name="scrambled_reshape",
        message="After pooling the N*C maps one by one, reshape them back in the order they came from: "
                "(N, C, ...), not (C, N, ...) transposed — samples and channels get mixed up.",
        source='''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
''' + _FORWARD_CHECKS + '''
    maps = np.stack([pool2d(x, size, stride, padding, mode) for x in X.reshape(N * C, H, W)])
    return maps.reshape(C, N, *maps.shape[1:]).transpose(1, 0, 2, 3)
''',
    ),
    Misconception(
        function="pool_forward",
        name="avg_ignores_padding",
        message="Average pooling divides by the full window size, padded zeros included (count_include_pad=True).",
        source='''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
''' + _FORWARD_CHECKS + '''
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if mode == "max":
        return np.stack([np.stack([pool2d(X[n, c], size, stride, padding, mode) for c in range(C)])
                         for n in range(N)])
    x = torch.tensor(X)
    return F.avg_pool2d(x, (kh, kw), (sh, sw), (ph, pw), count_include_pad=False).numpy()
''',
    ),
    Misconception(
        function="pool_forward",
        name="no_ndim_check",
        message="pool_forward takes a 4-D batch (N, C, H, W); any other number of dimensions must raise "
                "ValueError instead of being pooled over its last two axes.",
        source='''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError(f"expected at least 2 dimensions, got shape {X.shape}")
    lead = X.shape[:-2]
    maps = [pool2d(x, size, stride, padding, mode) for x in X.reshape(-1, *X.shape[-2:])]
    return np.stack(maps).reshape(*lead, *maps[0].shape)
''',
    ),
]

# ------------------------------------------------------------------------------------- shift_invariance
_SHIFT_CHECKS = '''
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {X.shape}")
    if not isinstance(shift, (int, np.integer)) or shift < 0:
        raise ValueError(f"shift must be an int >= 0, got {shift!r}")
    kh, kw = as_pair(size, "size")
    if min(kh, kw) < 1:
        raise ValueError(f"the window size must be at least 1, got {(kh, kw)}")
    H, W = X.shape
'''

MISCONCEPTIONS += [
    Misconception(
        function="shift_invariance",
        name="compares_fill_columns",
        message="Compare only the output columns j with j * kw >= shift: the windows of the other columns contain "
                "the zeros shifted in, so they say nothing about invariance.",
        source='''
def shift_invariance(X, size, shift):
''' + _SHIFT_CHECKS + '''
    if (W // kw) * kw <= shift:
        raise ValueError("shift too large")
    Xs = np.zeros_like(X)
    Xs[:, shift:] = X[:, :W - shift]
    return float(np.mean(pool2d(X, size) == pool2d(Xs, size)))
''',
    ),
    Misconception(
        function="shift_invariance",
        name="shifts_down",
        message="The shift moves the input to the RIGHT by `shift` columns (Xs[:, shift:] = X[:, :W - shift]), "
                "not down by rows.",
        source='''
def shift_invariance(X, size, shift):
''' + _SHIFT_CHECKS + '''
    first = -(-shift // kw)
    if first >= W // kw:
        raise ValueError("shift too large")
    Xs = np.zeros_like(X)
    Xs[shift:, :] = X[:H - shift, :]
    P, Q = pool2d(X, size), pool2d(Xs, size)
    return float(np.mean(P[:, first:] == Q[:, first:]))
''',
    ),
    Misconception(
        function="shift_invariance",
        name="fraction_changed",
        message="Return the fraction of outputs that stay UNCHANGED (1.0 for no shift), not the fraction that "
                "changed.",
        source='''
def shift_invariance(X, size, shift):
''' + _SHIFT_CHECKS + '''
    first = -(-shift // kw)
    if first >= W // kw:
        raise ValueError("shift too large")
    Xs = np.zeros_like(X)
    Xs[:, shift:] = X[:, :W - shift]
    P, Q = pool2d(X, size), pool2d(Xs, size)
    return float(np.mean(P[:, first:] != Q[:, first:]))
''',
    ),
    Misconception(
        function="shift_invariance",
        name="stride_one_pooling",
        message="Pool with the default stride (= the window size), as pool2d(X, size) does, not with stride 1.",
        source='''
def shift_invariance(X, size, shift):
''' + _SHIFT_CHECKS + '''
    first = -(-shift // kw)
    if first >= W // kw:
        raise ValueError("shift too large")
    Xs = np.zeros_like(X)
    Xs[:, shift:] = X[:, :W - shift]
    P, Q = pool2d(X, size, 1), pool2d(Xs, size, 1)
    return float(np.mean(P[:, first:] == Q[:, first:]))
''',
    ),
    Misconception(
        function="shift_invariance",
        name="average_pooling",
        message="The experiment is about MAX pooling: average pooling changes with almost any shift.",
        source='''
def shift_invariance(X, size, shift):
''' + _SHIFT_CHECKS + '''
    first = -(-shift // kw)
    if first >= W // kw:
        raise ValueError("shift too large")
    Xs = np.zeros_like(X)
    Xs[:, shift:] = X[:, :W - shift]
    P, Q = pool2d(X, size, mode="avg"), pool2d(Xs, size, mode="avg")
    return float(np.mean(P[:, first:] == Q[:, first:]))
''',
    ),
    Misconception(
        function="shift_invariance",
        name="shifts_left",
        message="Shift to the right: Xs[:, shift:] = X[:, :W - shift] (zeros enter on the left).",
        source='''
def shift_invariance(X, size, shift):
''' + _SHIFT_CHECKS + '''
    first = -(-shift // kw)
    if first >= W // kw:
        raise ValueError("shift too large")
    Xs = np.zeros_like(X)
    Xs[:, :W - shift] = X[:, shift:]
    P, Q = pool2d(X, size), pool2d(Xs, size)
    return float(np.mean(P[:, first:] == Q[:, first:]))
''',
    ),
    Misconception(
        function="shift_invariance",
        name="no_shift_check",
        message="A negative shift, or one so large that every pooled column sees the zero fill, must raise "
                "ValueError (there is nothing to compare).",
        source='''
def shift_invariance(X, size, shift):
    X = np.asarray(X, dtype=np.float64)
    W = X.shape[1]
    kh, kw = as_pair(size, "size")
    Xs = np.zeros_like(X)
    if 0 <= shift < W:
        Xs[:, shift:] = X[:, :W - shift]
    first = -(-max(shift, 0) // kw)
    P, Q = pool2d(X, size), pool2d(Xs, size)
    if first >= P.shape[1]:
        return 0.0
    return float(np.mean(P[:, first:] == Q[:, first:]))
''',
    ),
]

# ------------------------------------------------------------------------------------ max_pool_backward
_BACKWARD_HEAD = '''
    X = np.asarray(X, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected X of shape (N, C, H, W), got {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    if min(kh, kw) < 1 or min(sh, sw) < 1:
        raise ValueError("bad size or stride")
    N, C, H, W = X.shape
    if kh > H or kw > W:
        raise ValueError("window larger than the input")
    oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
    if dout.shape != (N, C, oh, ow):
        raise ValueError(f"dout must have shape {(N, C, oh, ow)}, got {dout.shape}")
    dX = np.zeros_like(X)
'''

MISCONCEPTIONS += [
    Misconception(
        function="max_pool_backward",
        name="gradient_to_whole_window",
        message="Only the maximum of a window influences its output, so only that cell receives the gradient; "
                "the other cells of the window get 0.",
        source='''
def max_pool_backward(dout, X, size, stride=None):
''' + _BACKWARD_HEAD + '''
    for i in range(oh):
        for j in range(ow):
            dX[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += dout[:, :, i:i + 1, j:j + 1]
    return dX
''',
    ),
    Misconception(
        function="max_pool_backward",
        name="gradient_averaged",
        message="Spreading dout / (kh * kw) over the window is the backward pass of AVERAGE pooling; max pooling "
                "sends the whole gradient to the maximum.",
        source='''
def max_pool_backward(dout, X, size, stride=None):
''' + _BACKWARD_HEAD + '''
    for i in range(oh):
        for j in range(ow):
            dX[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += dout[:, :, i:i + 1, j:j + 1] / (kh * kw)
    return dX
''',
    ),
    Misconception(
        function="max_pool_backward",
        name="all_tied_maxima",
        message="When several cells tie for the maximum, torch sends the gradient to the first of them in "
                "row-major order only (np.argmax of the flattened window), not to each of them.",
        source='''
def max_pool_backward(dout, X, size, stride=None):
''' + _BACKWARD_HEAD + '''
    for i in range(oh):
        for j in range(ow):
            window = X[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            mask = window == window.max(axis=(2, 3), keepdims=True)
            dX[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw] += mask * dout[:, :, i:i + 1, j:j + 1]
    return dX
''',
    ),
    Misconception(
        function="max_pool_backward",
        name="overwrites_overlaps",
        message="With overlapping windows (stride < size) a cell can be the maximum of several windows: add "
                "their gradients (+=), do not overwrite them.",
        source='''
def max_pool_backward(dout, X, size, stride=None):
''' + _BACKWARD_HEAD + '''
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = X[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, i * sh + r, j * sw + q] = dout[n, c, i, j]
    return dX
''',
    ),
    Misconception(
        function="max_pool_backward",
        name="last_tied_maximum",
        message="On ties torch picks the FIRST maximum in row-major order within the window, not the last.",
        source='''
def max_pool_backward(dout, X, size, stride=None):
''' + _BACKWARD_HEAD + '''
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = X[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw].ravel()
                    last = window.size - 1 - np.argmax(window[::-1])
                    r, q = divmod(int(last), kw)
                    dX[n, c, i * sh + r, j * sw + q] += dout[n, c, i, j]
    return dX
''',
    ),
    Misconception(
        function="max_pool_backward",
        name="default_stride_one",
        message="The stride defaults to the window size, as in the forward pass.",
        source='''
def max_pool_backward(dout, X, size, stride=None):
    X = np.asarray(X, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected X of shape (N, C, H, W), got {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = (1, 1) if stride is None else as_pair(stride, "stride")
    N, C, H, W = X.shape
    oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
    if dout.shape != (N, C, oh, ow):
        raise ValueError(f"dout must have shape {(N, C, oh, ow)}, got {dout.shape}")
    dX = np.zeros_like(X)
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = X[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, i * sh + r, j * sw + q] += dout[n, c, i, j]
    return dX
''',
    ),
    Misconception(
        function="max_pool_backward",
        name="no_dout_check",
        message="dout must have the pooled shape (N, C, H', W'); a mismatch is a bug upstream and must raise "
                "ValueError, not be broadcast or cut.",
        source='''
def max_pool_backward(dout, X, size, stride=None):
    X = np.asarray(X, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    N, C, H, W = X.shape
    oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
    dX = np.zeros_like(X)
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = X[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, i * sh + r, j * sw + q] += dout[n % dout.shape[0], c % dout.shape[1],
                                                             i % dout.shape[2], j % dout.shape[3]]
    return dX
''',
    ),
]

# -------------------------------------------------------------------------------------- global_avg_pool
MISCONCEPTIONS += [
    Misconception(
        function="global_avg_pool",
        name="wrong_axes",
        message="Average over the spatial axes H and W (axis=(2, 3)) of (N, C, H, W), not over channels.",
        source='''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected (N, C, H, W), got shape {X.shape}")
    return X.mean(axis=(1, 2))
''',
    ),
    Misconception(
        function="global_avg_pool",
        name="averages_channels_too",
        message="GAP gives one number PER CHANNEL: average over H and W only, so the result is (N, C).",
        source='''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected (N, C, H, W), got shape {X.shape}")
    return np.repeat(X.mean(axis=(1, 2, 3))[:, None], X.shape[1], axis=1)
''',
    ),
    Misconception(
        function="global_avg_pool",
        name="sum_not_mean",
        message="Global AVERAGE pooling divides the sum of each channel by H * W.",
        source='''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected (N, C, H, W), got shape {X.shape}")
    return X.sum(axis=(2, 3))
''',
    ),
    Misconception(
        function="global_avg_pool",
        name="global_max",
        message="This is global MAX pooling; global average pooling takes the mean of each channel.",
        source='''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected (N, C, H, W), got shape {X.shape}")
    return X.max(axis=(2, 3))
''',
    ),
    Misconception(
        function="global_avg_pool",
        name="keeps_dims",
        message="Return shape (N, C), not (N, C, 1, 1): GAP replaces the flatten layer, so its output is "
                "already a vector per sample.",
        source='''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected (N, C, H, W), got shape {X.shape}")
    return X.mean(axis=(2, 3), keepdims=True)
''',
    ),
    Misconception(
        function="global_avg_pool",
        name="no_shape_check",
        message="global_avg_pool takes (N, C, H, W); other shapes and empty maps must raise ValueError.",
        source='''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    return X.mean(axis=(-2, -1))
''',
    ),
]

# ------------------------------------------------------------------------------------------ alternatives
ALTERNATIVES: list[A] = [
    # ------------------------------------------------------------------ pool2d
    A("pool2d", "two loops over output positions, -inf canvas", '''
def pool2d(X, size, stride=None, padding=0, mode="max"):
    X = np.array(X, dtype=float)
    if len(X.shape) != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    if mode != "max" and mode != "avg":
        raise ValueError(f"mode must be 'max' or 'avg', not {mode!r}")
    kh, kw = as_pair(size, "size")
    if stride is None:
        stride = (kh, kw)
    sh, sw = as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    for value, low, what in ((kh, 1, "size"), (kw, 1, "size"), (sh, 1, "stride"), (sw, 1, "stride"),
                             (ph, 0, "padding"), (pw, 0, "padding")):
        if value < low:
            raise ValueError(f"{what} must be at least {low}, got {value}")
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError(f"padding {(ph, pw)} must be at most half the window {(kh, kw)}")
    H, W = X.shape
    Hp, Wp = H + 2 * ph, W + 2 * pw
    if kh > Hp or kw > Wp:
        raise ValueError(f"window {(kh, kw)} does not fit the padded input {(Hp, Wp)}")
    canvas = np.full((Hp, Wp), -np.inf if mode == "max" else 0.0)
    canvas[ph:ph + H, pw:pw + W] = X
    out_h = (Hp - kh) // sh + 1
    out_w = (Wp - kw) // sw + 1
    out = np.empty((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = canvas[i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[i, j] = window.max() if mode == "max" else window.sum() / (kh * kw)
    return out
'''),
    A("pool2d", "as_strided window view, sum / count for the average", '''
def pool2d(X, size, stride=None, padding=0, mode="max"):
    from numpy.lib.stride_tricks import as_strided

    X = np.asarray(X).astype(np.float64)
    if X.ndim != 2:
        raise ValueError(f"pool2d needs a 2-D array, got {X.ndim}-D")
    if mode not in ("max", "avg"):
        raise ValueError(f"unknown pooling mode {mode!r}")
    kh, kw = as_pair(size, "size")
    sh, sw = as_pair(size if stride is None else stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if min(kh, kw) <= 0:
        raise ValueError("the window must be at least 1x1")
    if min(sh, sw) <= 0:
        raise ValueError("the stride must be at least 1")
    if ph < 0 or pw < 0 or ph > kh // 2 or pw > kw // 2:
        raise ValueError(f"padding must lie between 0 and half the window, got {(ph, pw)}")
    Xp = np.pad(X, [(ph, ph), (pw, pw)], mode="constant", constant_values=-np.inf if mode == "max" else 0)
    Hp, Wp = Xp.shape
    if Hp < kh or Wp < kw:
        raise ValueError(f"window {(kh, kw)} larger than the padded input {(Hp, Wp)}")
    oh, ow = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
    r, c = Xp.strides
    view = as_strided(Xp, shape=(oh, ow, kh, kw), strides=(r * sh, c * sw, r, c), writeable=False)
    if mode == "max":
        return view.max(axis=(-2, -1))
    return view.sum(axis=(-2, -1)) / (kh * kw)
'''),
    A("pool2d", "loop over window offsets, strided slices", '''
def pool2d(X, size, stride=None, padding=0, mode="max"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"expected X of shape (H, W), got {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode {mode!r} is neither 'max' nor 'avg'")
    if kh < 1 or kw < 1 or sh < 1 or sw < 1:
        raise ValueError(f"size {(kh, kw)} and stride {(sh, sw)} must be positive")
    if not (0 <= ph <= kh // 2 and 0 <= pw <= kw // 2):
        raise ValueError(f"padding {(ph, pw)} must be in [0, size // 2]")
    H, W = X.shape
    oh = (H + 2 * ph - kh) // sh + 1
    ow = (W + 2 * pw - kw) // sw + 1
    if oh < 1 or ow < 1:
        raise ValueError(f"window {(kh, kw)} larger than the padded input {(H + 2 * ph, W + 2 * pw)}")
    if mode == "max":
        Xp = np.pad(X, ((ph, ph), (pw, pw)), constant_values=-np.inf)
        out = np.full((oh, ow), -np.inf)
    else:
        Xp = np.pad(X, ((ph, ph), (pw, pw)))
        out = np.zeros((oh, ow))
    for m in range(kh):
        for n in range(kw):
            cells = Xp[m:m + (oh - 1) * sh + 1:sh, n:n + (ow - 1) * sw + 1:sw]
            if mode == "max":
                out = np.maximum(out, cells)
            else:
                out += cells
    return out if mode == "max" else out / (kh * kw)
'''),
    # ------------------------------------------------------------------ pool_forward
    A("pool_forward", "pool2d on every map, shape from a probe call", '''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"pool_forward expects (N, C, H, W), got shape {X.shape}")
    N, C, H, W = X.shape
    probe = pool2d(np.zeros((H, W)), size, stride, padding, mode)    # checks the arguments, gives the shape
    out = np.empty((N, C) + probe.shape)
    for n in range(N):
        for c in range(C):
            out[n, c] = pool2d(X[n, c], size, stride, padding, mode)
    return out
'''),
    A("pool_forward", "6-D as_strided view of the padded batch", '''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
    X = np.array(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"X must be a 4-D batch (N, C, H, W), got {X.ndim} dimensions")
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    kh, kw = as_pair(size, "size")
    sh, sw = as_pair(size if stride is None else stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if kh <= 0 or kw <= 0 or sh <= 0 or sw <= 0:
        raise ValueError("size and stride must be positive")
    if ph < 0 or pw < 0 or 2 * ph > kh or 2 * pw > kw:
        raise ValueError(f"padding {(ph, pw)} out of range for window {(kh, kw)}")
    N, C, H, W = X.shape
    Hp, Wp = H + 2 * ph, W + 2 * pw
    if kh > Hp or kw > Wp:
        raise ValueError(f"window {(kh, kw)} larger than the padded input {(Hp, Wp)}")
    Xp = np.full((N, C, Hp, Wp), -np.inf if mode == "max" else 0.0)
    Xp[:, :, ph:ph + H, pw:pw + W] = X
    oh, ow = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
    s = Xp.strides
    view = np.lib.stride_tricks.as_strided(Xp, (N, C, oh, ow, kh, kw),
                                           (s[0], s[1], s[2] * sh, s[3] * sw, s[2], s[3]), writeable=False)
    return view.max(axis=(4, 5)) if mode == "max" else view.mean(axis=(4, 5))
'''),
    A("pool_forward", "stack the shifted slices, reduce over the new axis", '''
def pool_forward(X, size, stride=None, padding=0, mode="max"):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected a 4-D array (N, C, H, W), got shape {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    ph, pw = as_pair(padding, "padding")
    if mode not in ("max", "avg"):
        raise ValueError(f"bad mode {mode!r}")
    if min(kh, kw, sh, sw) < 1:
        raise ValueError(f"size {(kh, kw)} and stride {(sh, sw)} must be >= 1")
    if min(ph, pw) < 0 or ph > kh // 2 or pw > kw // 2:
        raise ValueError(f"padding {(ph, pw)} must be between 0 and half the window {(kh, kw)}")
    H, W = X.shape[-2:]
    oh, ow = (H + 2 * ph - kh) // sh + 1, (W + 2 * pw - kw) // sw + 1
    if kh > H + 2 * ph or kw > W + 2 * pw:
        raise ValueError("the window is larger than the padded input")
    fill = -np.inf if mode == "max" else 0.0
    Xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    slices = [Xp[:, :, m:m + sh * (oh - 1) + 1:sh, n:n + sw * (ow - 1) + 1:sw]
              for m in range(kh) for n in range(kw)]
    stacked = np.stack(slices, axis=-1)
    return stacked.max(axis=-1) if mode == "max" else stacked.mean(axis=-1)
'''),
    # ------------------------------------------------------------------ shift_invariance
    A("shift_invariance", "np.roll, zero the wrapped columns, boolean column mask", '''
def shift_invariance(X, size, shift):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (H, W), got shape {X.shape}")
    if isinstance(shift, bool) or not isinstance(shift, (int, np.integer)):
        raise ValueError(f"shift must be an int, got {shift!r}")
    if shift < 0:
        raise ValueError(f"shift must be >= 0, got {shift}")
    kh, kw = as_pair(size, "size")
    Xs = np.roll(X, shift, axis=1)
    Xs[:, :shift] = 0.0
    P, Q = pool2d(X, size), pool2d(Xs, size)
    keep = np.arange(P.shape[1]) * kw >= shift
    if not keep.any():
        raise ValueError(f"shift {shift}: every output column sees the zero fill")
    same = P[:, keep] == Q[:, keep]
    return np.count_nonzero(same) / same.size
'''),
    A("shift_invariance", "pad on the left and crop, count column by column", '''
def shift_invariance(X, size, shift):
    X = np.array(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"shift_invariance wants a 2-D array, got {X.ndim}-D")
    if type(shift) is bool or not isinstance(shift, (int, np.integer)) or shift < 0:
        raise ValueError(f"shift must be a non-negative int, got {shift!r}")
    H, W = X.shape
    Xs = np.pad(X, ((0, 0), (shift, 0)))[:, :W]
    P = pool2d(X, size)
    Q = pool2d(Xs, size)
    kw = as_pair(size, "size")[1]
    equal = compared = 0
    for j in range(P.shape[1]):
        if j * kw < shift:
            continue
        equal += int(np.sum(P[:, j] == Q[:, j]))
        compared += P.shape[0]
    if compared == 0:
        raise ValueError(f"no output column is free of the zero fill for shift {shift}")
    return equal / compared
'''),
    A("shift_invariance", "own non-overlapping max by reshape, integer ceil", '''
def shift_invariance(X, size, shift):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"expected a 2-D array, got shape {X.shape}")
    if not isinstance(shift, (int, np.integer)) or isinstance(shift, bool) or shift < 0:
        raise ValueError(f"shift must be an int >= 0, got {shift!r}")
    kh, kw = as_pair(size, "size")
    if kh < 1 or kw < 1:
        raise ValueError(f"window sides must be >= 1, got {(kh, kw)}")
    H, W = X.shape
    if kh > H or kw > W:
        raise ValueError(f"window {(kh, kw)} larger than X {(H, W)}")
    oh, ow = H // kh, W // kw
    first = (shift + kw - 1) // kw
    if first >= ow:
        raise ValueError(f"shift {shift} too large for width {W} and window width {kw}")
    Xs = np.zeros_like(X)
    Xs[:, shift:] = X[:, :W - shift]

    def maxpool(A):
        return A[:oh * kh, :ow * kw].reshape(oh, kh, ow, kw).max(axis=(1, 3))

    P, Q = maxpool(X)[:, first:], maxpool(Xs)[:, first:]
    return float((P == Q).sum() / P.size)
'''),
    # ------------------------------------------------------------------ max_pool_backward
    A("max_pool_backward", "four loops, argmax + unravel_index", '''
def max_pool_backward(dout, X, size, stride=None):
    X = np.array(X, dtype=np.float64)
    dout = np.array(dout, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"X must be (N, C, H, W), got shape {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = as_pair(size if stride is None else stride, "stride")
    if min(kh, kw) < 1 or min(sh, sw) < 1:
        raise ValueError(f"size {(kh, kw)} and stride {(sh, sw)} must be at least 1")
    N, C, H, W = X.shape
    if kh > H or kw > W:
        raise ValueError(f"window {(kh, kw)} larger than the input {(H, W)}")
    oh = (H - kh) // sh + 1
    ow = (W - kw) // sw + 1
    if dout.shape != (N, C, oh, ow):
        raise ValueError(f"dout has shape {dout.shape}, expected {(N, C, oh, ow)}")
    dX = np.zeros(X.shape)
    for n in range(N):
        for c in range(C):
            for i in range(oh):
                for j in range(ow):
                    window = X[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                    r, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, i * sh + r, j * sw + q] += dout[n, c, i, j]
    return dX
'''),
    A("max_pool_backward", "loop over output positions, whole batch at once", '''
def max_pool_backward(dout, X, size, stride=None):
    X = np.asarray(X, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected a 4-D X, got {X.ndim}-D")
    kh, kw = as_pair(size, "size")
    sh, sw = (kh, kw) if stride is None else as_pair(stride, "stride")
    if kh <= 0 or kw <= 0:
        raise ValueError("window sides must be positive")
    if sh <= 0 or sw <= 0:
        raise ValueError("strides must be positive")
    N, C, H, W = X.shape
    if H < kh or W < kw:
        raise ValueError("the window does not fit in the input")
    expected = (N, C, 1 + (H - kh) // sh, 1 + (W - kw) // sw)
    if dout.shape != expected:
        raise ValueError(f"dout must have shape {expected}, got {dout.shape}")
    n_idx, c_idx = np.ogrid[:N, :C]
    dX = np.zeros_like(X)
    for i in range(expected[2]):
        for j in range(expected[3]):
            flat = X[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(N, C, kh * kw)
            r, q = np.divmod(flat.argmax(axis=2), kw)
            dX[n_idx, c_idx, i * sh + r, j * sw + q] += dout[:, :, i, j]
    return dX
'''),
    A("max_pool_backward", "first-max mask, scattered by window offset", '''
def max_pool_backward(dout, X, size, stride=None):
    X = np.asarray(X, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"max_pool_backward: X must be (N, C, H, W), got {X.shape}")
    kh, kw = as_pair(size, "size")
    sh, sw = as_pair(stride, "stride") if stride is not None else (kh, kw)
    if min(kh, kw, sh, sw) < 1:
        raise ValueError(f"bad size {(kh, kw)} or stride {(sh, sw)}")
    N, C, H, W = X.shape
    if kh > H or kw > W:
        raise ValueError(f"window {(kh, kw)} is larger than the input {(H, W)}")
    oh, ow = (H - kh) // sh + 1, (W - kw) // sw + 1
    if dout.shape != (N, C, oh, ow):
        raise ValueError(f"dout shape {dout.shape} != pooled shape {(N, C, oh, ow)}")
    win = np.lib.stride_tricks.sliding_window_view(X, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    flat = win.reshape(N, C, oh, ow, kh * kw)
    is_max = flat == flat.max(axis=-1, keepdims=True)
    first = is_max & (np.cumsum(is_max, axis=-1) == 1)          # only the first max of each window
    routed = (first * dout[..., None]).reshape(N, C, oh, ow, kh, kw)
    dX = np.zeros_like(X)
    for m in range(kh):
        for n in range(kw):
            dX[:, :, m:m + sh * (oh - 1) + 1:sh, n:n + sw * (ow - 1) + 1:sw] += routed[..., m, n]
    return dX
'''),
    # ------------------------------------------------------------------ global_avg_pool
    A("global_avg_pool", "sum over H and W divided by H * W", '''
def global_avg_pool(X):
    X = np.array(X, dtype=float)
    if len(X.shape) != 4:
        raise ValueError(f"X must have shape (N, C, H, W), got {X.shape}")
    N, C, H, W = X.shape
    if H * W == 0:
        raise ValueError(f"cannot average over an empty {H}x{W} map")
    return X.sum(axis=3).sum(axis=2) / (H * W)
'''),
    A("global_avg_pool", "reshape to (N, C, H*W) and mean of the last axis", '''
def global_avg_pool(X):
    X = np.asarray(X).astype(np.float64)
    if X.ndim != 4 or 0 in X.shape[2:]:
        raise ValueError(f"global_avg_pool needs (N, C, H, W) with H, W >= 1, got {X.shape}")
    N, C = X.shape[:2]
    return X.reshape(N, C, -1).mean(axis=-1)
'''),
    A("global_avg_pool", "loops over samples and channels", '''
def global_avg_pool(X):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 4:
        raise ValueError(f"expected (N, C, H, W), got {X.ndim} dimensions")
    N, C, H, W = X.shape
    if H < 1 or W < 1:
        raise ValueError(f"no positions to average: H={H}, W={W}")
    out = np.zeros((N, C))
    for n in range(N):
        for c in range(C):
            out[n, c] = np.mean(X[n, c])
    return out
'''),
]
