"""Wrong implementations of the graded functions of 05_pooling that learners plausibly write."""

from __future__ import annotations

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
