"""Wrong implementations learners write for 01_convolution."""

from autograder.misconceptions import Alternative as A
from autograder.misconceptions import Misconception as M

MISCONCEPTIONS = [
    # corr2d
    M("corr2d", "kernel flipped",
      "your output equals the true convolution: the kernel is flipped. The lecture's operation is "
      "cross-correlation, S[i,j] = sum X[i+m, j+n] K[m, n], with no flip.", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)[::-1, ::-1]
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    kh, kw = K.shape
    return np.array([[np.sum(X[i:i+kh, j:j+kw] * K) for j in range(X.shape[1]-kw+1)]
                     for i in range(X.shape[0]-kh+1)])
'''),
    M("corr2d", "output one row and column short",
      "your output shape is (H - kh, W - kw): the number of positions is H - kh + 1 (the +1 is missing).", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    kh, kw = K.shape
    out = np.zeros((X.shape[0] - kh, X.shape[1] - kw))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i+kh, j:j+kw] * K)
    return out
'''),
    M("corr2d", "kernel transposed",
      "your output equals the correlation with K transposed: rows of the kernel index rows of the image "
      "(K[m, n] multiplies X[i+m, j+n]).", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    kh, kw = K.shape
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i+kh, j:j+kw] * K.T) if kh == kw else np.sum(X[i:i+kh, j:j+kw] * K)
    return out
'''),
    M("corr2d", "no input validation",
      "a kernel larger than the input or an input that is not 2-D must raise ValueError with a message.", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    kh, kw = K.shape[-2:]
    out = np.zeros((max(X.shape[0] - kh + 1, 0), max(X.shape[-1] - kw + 1, 0)))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i+kh, j:j+kw] * K)
    return out
'''),
    M("corr2d", "integer arithmetic",
      "your result is not float64: integer inputs stay integers. Convert with np.asarray(X, dtype=np.float64).", '''
def corr2d(X, K):
    X = np.asarray(X); K = np.asarray(K)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    kh, kw = K.shape
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1), dtype=np.result_type(X, K))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i+kh, j:j+kw] * K)
    return out
'''),
    # conv2d_flipped
    M("conv2d_flipped", "no flip",
      "your output equals the cross-correlation: flip the kernel on both axes (K[::-1, ::-1]).", '''
def conv2d_flipped(X, K):
    return corr2d(X, K)
'''),
    M("conv2d_flipped", "flipped on one axis only (rows)",
      "you flipped the kernel upside down only: true convolution flips rows AND columns (a 180° rotation).", '''
def conv2d_flipped(X, K):
    return corr2d(X, np.asarray(K, dtype=np.float64)[::-1, :])
'''),
    M("conv2d_flipped", "flipped on one axis only (columns)",
      "you mirrored the kernel left-right only: true convolution flips rows AND columns (a 180° rotation).", '''
def conv2d_flipped(X, K):
    return corr2d(X, np.asarray(K, dtype=np.float64)[:, ::-1])
'''),
    M("conv2d_flipped", "transposed instead of flipped",
      "you transposed the kernel: a transpose is a reflection about the diagonal, not the 180° rotation "
      "that convolution needs.", '''
def conv2d_flipped(X, K):
    return corr2d(X, np.asarray(K, dtype=np.float64).T) if np.shape(K)[0] <= np.shape(X)[1] else corr2d(X, K)
'''),
    M("conv2d_flipped", "flips the image in place",
      "you flipped the kernel in place and changed the caller's array: flip a copy.", '''
def conv2d_flipped(X, K):
    K = np.asarray(K, dtype=np.float64)
    K[:] = K[::-1, ::-1].copy()
    return corr2d(X, K)
'''),
    # corr2d_fast
    M("corr2d_fast", "loop over output pixels",
      "corr2d_fast still loops over every output pixel in Python: use sliding_window_view and one einsum.", '''
def corr2d_fast(X, K):
    return corr2d(X, K)
''', cells=("test_corr2d_fast_speed",), seen_in="time"),
    M("corr2d_fast", "windows summed without the kernel",
      "you summed the windows without multiplying by the kernel weights.", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    return np.lib.stride_tricks.sliding_window_view(X, K.shape).sum(axis=(2, 3)) * K.mean()
'''),
    M("corr2d_fast", "windows multiplied by the flipped kernel",
      "your output equals the true convolution: the kernel is flipped in the einsum.", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    return np.einsum("ijmn,mn->ij", np.lib.stride_tricks.sliding_window_view(X, K.shape), K[::-1, ::-1])
'''),
    M("corr2d_fast", "full-size output (wraps around)",
      "your output has the input's size: np.roll wraps pixels from the far edge around; a valid "
      "correlation has (H - kh + 1) x (W - kw + 1) outputs.", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError("bad shapes")
    out = np.zeros_like(X)
    for m in range(K.shape[0]):
        for n in range(K.shape[1]):
            out += K[m, n] * np.roll(X, (-m, -n), axis=(0, 1))
    return out
'''),
    M("corr2d_fast", "no input validation",
      "a kernel larger than the input or a non-2-D input must raise ValueError.", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if K.shape[0] > X.shape[0] or K.shape[-1] > X.shape[-1]:
        return np.zeros((0, 0))
    return np.einsum("ijmn,mn->ij", np.lib.stride_tricks.sliding_window_view(X, K.shape), K)
'''),
    # sobel_magnitude
    M("sobel_magnitude", "Gx only",
      "your magnitude only uses Gx: horizontal edges vanish. Combine sqrt(Gx^2 + Gy^2).", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("2-D image expected")
    return np.abs(corr2d(img, SOBEL_X))
'''),
    M("sobel_magnitude", "L1 instead of L2",
      "you added |Gx| + |Gy|: the gradient magnitude is sqrt(Gx^2 + Gy^2).", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("2-D image expected")
    return np.abs(corr2d(img, SOBEL_X)) + np.abs(corr2d(img, SOBEL_Y))
'''),
    M("sobel_magnitude", "forgot the square root",
      "you returned Gx^2 + Gy^2: take the square root.", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("2-D image expected")
    return corr2d(img, SOBEL_X) ** 2 + corr2d(img, SOBEL_Y) ** 2
'''),
    M("sobel_magnitude", "Gy equal to Gx",
      "you used the same kernel twice: Gy is the transpose of Gx.", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("2-D image expected")
    gx = corr2d(img, SOBEL_X)
    return np.sqrt(2 * gx ** 2)
'''),
    M("sobel_magnitude", "signed sum",
      "you added Gx + Gy: opposite-signed responses cancel; square them before adding.", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError("2-D image expected")
    return np.abs(corr2d(img, SOBEL_X) + corr2d(img, SOBEL_Y))
'''),
    # learn_kernel
    M("learn_kernel", "gradient ascent",
      "your update adds the gradient: gradient DEScent subtracts lr * grad.", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    x = torch.tensor(np.asarray(X, float))[None, None]; y = torch.tensor(np.asarray(Y, float))[None, None]
    g = torch.Generator().manual_seed(0)
    K = (0.1 * torch.randn(*kernel_shape, generator=g, dtype=torch.float64)).requires_grad_()
    for _ in range(steps):
        loss = ((F.conv2d(x, K[None, None]) - y) ** 2).mean(); loss.backward()
        with torch.no_grad():
            K += lr * K.grad; K.grad.zero_()
    return K.detach().numpy()
'''),
    M("learn_kernel", "gradient never zeroed",
      "you never reset K.grad: torch accumulates gradients, so every step uses the sum of all past gradients.", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    x = torch.tensor(np.asarray(X, float))[None, None]; y = torch.tensor(np.asarray(Y, float))[None, None]
    g = torch.Generator().manual_seed(0)
    K = (0.1 * torch.randn(*kernel_shape, generator=g, dtype=torch.float64)).requires_grad_()
    for _ in range(steps):
        loss = ((F.conv2d(x, K[None, None]) - y) ** 2).mean(); loss.backward()
        with torch.no_grad():
            K -= lr * K.grad
    return K.detach().numpy()
'''),
    M("learn_kernel", "one step only",
      "your loop runs once: gradient descent needs many small steps (use `steps`).", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    x = torch.tensor(np.asarray(X, float))[None, None]; y = torch.tensor(np.asarray(Y, float))[None, None]
    K = torch.zeros(*kernel_shape, dtype=torch.float64, requires_grad=True)
    loss = ((F.conv2d(x, K[None, None]) - y) ** 2).mean(); loss.backward()
    with torch.no_grad():
        K -= lr * K.grad
    return K.detach().numpy()
'''),
    M("learn_kernel", "returns a tensor of the wrong shape",
      "return the learned kernel as an np.ndarray of shape kernel_shape, not the 4-D weight tensor.", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    x = torch.tensor(np.asarray(X, float))[None, None]; y = torch.tensor(np.asarray(Y, float))[None, None]
    K = torch.zeros(1, 1, *kernel_shape, dtype=torch.float64, requires_grad=True)
    for _ in range(steps):
        loss = ((F.conv2d(x, K) - y) ** 2).mean(); loss.backward()
        with torch.no_grad():
            K -= lr * K.grad; K.grad.zero_()
    return K.detach()
'''),
    M("learn_kernel", "learns the flipped kernel",
      "you fitted Y with a true convolution (flipped kernel), so the kernel comes back rotated by 180°.", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    x = torch.tensor(np.asarray(X, float))[None, None]; y = torch.tensor(np.asarray(Y, float))[None, None]
    g = torch.Generator().manual_seed(0)
    K = (0.1 * torch.randn(*kernel_shape, generator=g, dtype=torch.float64)).requires_grad_()
    for _ in range(steps):
        loss = ((F.conv2d(x, K.flip(0, 1)[None, None]) - y) ** 2).mean(); loss.backward()
        with torch.no_grad():
            K -= lr * K.grad; K.grad.zero_()
    return K.detach().numpy()
'''),
]

ALTERNATIVES = [
    # corr2d
    A("corr2d", "kernel offsets outer, shifted slices accumulated", '''
def corr2d(X, K):
    X = np.array(X, dtype=float)
    K = np.array(K, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array, got shape {X.shape}")
    if K.ndim != 2:
        raise ValueError(f"K must be a 2-D array, got shape {K.shape}")
    kh, kw = K.shape
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    if oh < 1 or ow < 1:
        raise ValueError(f"a {kh}x{kw} kernel does not fit in a {X.shape[0]}x{X.shape[1]} input")
    out = np.zeros((oh, ow))
    for m in range(kh):
        for n in range(kw):
            out += K[m, n] * X[m:m + oh, n:n + ow]
    return out
'''),
    A("corr2d", "sliding_window_view and tensordot", '''
def corr2d(X, K):
    X, K = np.asarray(X).astype(np.float64), np.asarray(K).astype(np.float64)
    if X.ndim != 2 or K.ndim != 2 or any(k > x for k, x in zip(K.shape, X.shape)):
        raise ValueError(f"need 2-D X and K with K no larger than X, got X {X.shape} and K {K.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(X, K.shape)
    return np.tensordot(windows, K, axes=([2, 3], [0, 1]))
'''),
    A("corr2d", "four nested loops with a scalar accumulator", '''
def corr2d(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if len(X.shape) != 2 or len(K.shape) != 2:
        raise ValueError("corr2d works on 2-D arrays only, got shapes %s and %s" % (X.shape, K.shape))
    H, W = X.shape
    kh, kw = K.shape
    if kh > H or kw > W:
        raise ValueError("kernel %s is bigger than input %s" % (K.shape, X.shape))
    out = np.empty((H - kh + 1, W - kw + 1), dtype=np.float64)
    for i in range(H - kh + 1):
        for j in range(W - kw + 1):
            total = 0.0
            for m in range(kh):
                for n in range(kw):
                    total += X[i + m, j + n] * K[m, n]
            out[i, j] = total
    return out
'''),
    # conv2d_flipped
    A("conv2d_flipped", "np.rot90 by 180 degrees", '''
def conv2d_flipped(X, K):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    return corr2d(X, np.rot90(K, 2))
'''),
    A("conv2d_flipped", "convolution formula with reversed kernel indices", '''
def conv2d_flipped(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(f"expected 2-D X and K, got {X.shape} and {K.shape}")
    kh, kw = K.shape
    if kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError(f"kernel {K.shape} larger than input {X.shape}")
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            for m in range(kh):
                for n in range(kw):
                    out[i, j] += X[i + m, j + n] * K[kh - 1 - m, kw - 1 - n]
    return out
'''),
    A("conv2d_flipped", "torch conv2d with torch.flip", '''
def conv2d_flipped(X, K):
    x = torch.as_tensor(np.asarray(X, dtype=np.float64))
    k = torch.as_tensor(np.asarray(K, dtype=np.float64))
    if x.dim() != 2 or k.dim() != 2:
        raise ValueError(f"conv2d_flipped needs 2-D X and K, got {tuple(x.shape)} and {tuple(k.shape)}")
    if k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        raise ValueError(f"kernel {tuple(k.shape)} does not fit in input {tuple(x.shape)}")
    return F.conv2d(x[None, None], torch.flip(k, dims=(0, 1))[None, None])[0, 0].numpy()
'''),
    # corr2d_fast
    A("corr2d_fast", "loop over kernel offsets only, shifted slices", '''
def corr2d_fast(X, K):
    X = np.array(X, dtype=float)
    K = np.array(K, dtype=float)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(f"2-D X and K expected, got {X.shape} and {K.shape}")
    kh, kw = K.shape
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    if oh <= 0 or ow <= 0:
        raise ValueError(f"kernel {K.shape} does not fit in {X.shape}")
    out = np.zeros((oh, ow))
    for m in range(kh):
        for n in range(kw):
            out += K[m, n] * X[m:m + oh, n:n + ow]
    return out
'''),
    A("corr2d_fast", "as_strided windows and tensordot", '''
def corr2d_fast(X, K):
    X = np.ascontiguousarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(f"corr2d_fast: X and K must be 2-D, got ndim {X.ndim} and {K.ndim}")
    (H, W), (kh, kw) = X.shape, K.shape
    if kh > H or kw > W:
        raise ValueError(f"corr2d_fast: kernel {K.shape} larger than input {X.shape}")
    s0, s1 = X.strides
    windows = np.lib.stride_tricks.as_strided(X, shape=(H - kh + 1, W - kw + 1, kh, kw),
                                              strides=(s0, s1, s0, s1), writeable=False)
    return np.tensordot(windows, K, axes=2)
'''),
    A("corr2d_fast", "im2col: window matrix times the flattened kernel", '''
def corr2d_fast(X, K):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError(f"X and K must be 2-D, got shapes {X.shape} and {K.shape}")
    if K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        raise ValueError(f"kernel {K.shape} is larger than the input {X.shape}")
    oh, ow = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    columns = np.lib.stride_tricks.sliding_window_view(X, K.shape).reshape(oh * ow, K.size)
    return (columns @ K.ravel()).reshape(oh, ow)
'''),
    # sobel_magnitude
    A("sobel_magnitude", "np.hypot of corr2d_fast responses", '''
def sobel_magnitude(img):
    img = np.array(img, dtype=float)
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D grey image, got an array of shape {img.shape}")
    return np.hypot(corr2d_fast(img, SOBEL_X), corr2d_fast(img, SOBEL_Y))
'''),
    A("sobel_magnitude", "both Sobel kernels as two torch output channels", '''
def sobel_magnitude(img):
    x = torch.as_tensor(np.asarray(img, dtype=np.float64))
    if x.dim() != 2:
        raise ValueError(f"sobel_magnitude needs a 2-D image, got shape {tuple(x.shape)}")
    if x.shape[0] < 3 or x.shape[1] < 3:
        raise ValueError(f"the 3x3 Sobel kernels do not fit in a {tuple(x.shape)} image")
    weights = torch.tensor(np.stack([SOBEL_X, SOBEL_Y]), dtype=torch.float64)[:, None]
    g = F.conv2d(x[None, None], weights)[0]
    return torch.sqrt((g ** 2).sum(dim=0)).numpy()
'''),
    A("sobel_magnitude", "separable Sobel with slice differences", '''
def sobel_magnitude(img):
    img = np.asarray(img, dtype=np.float64)
    if img.ndim != 2:
        raise ValueError(f"sobel_magnitude expects a 2-D image, got ndim={img.ndim}")
    if min(img.shape) < 3:
        raise ValueError(f"image {img.shape} is smaller than the 3x3 Sobel kernel")
    dx = img[:, 2:] - img[:, :-2]            # [-1, 0, 1] along the columns
    gx = dx[:-2] + 2 * dx[1:-1] + dx[2:]     # [1, 2, 1] along the rows
    dy = img[2:, :] - img[:-2, :]            # [-1, 0, 1] along the rows
    gy = dy[:, :-2] + 2 * dy[:, 1:-1] + dy[:, 2:]
    return np.sqrt(gx * gx + gy * gy)
'''),
    # learn_kernel
    A("learn_kernel", "torch.optim.SGD on a zero-initialised Parameter", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or Y.ndim != 2 or len(kernel_shape) != 2:
        raise ValueError(f"X, Y and kernel_shape must be 2-D, got {X.shape}, {Y.shape}, {kernel_shape}")
    kh, kw = (int(v) for v in kernel_shape)
    if not (0 < kh <= X.shape[0] and 0 < kw <= X.shape[1]):
        raise ValueError(f"a kernel of shape {kernel_shape} does not fit in X of shape {X.shape}")
    if Y.shape != (X.shape[0] - kh + 1, X.shape[1] - kw + 1):
        raise ValueError(f"Y has shape {Y.shape}; a {kh}x{kw} kernel on {X.shape} gives "
                         f"{(X.shape[0] - kh + 1, X.shape[1] - kw + 1)}")
    x = torch.from_numpy(X.copy())[None, None]
    y = torch.from_numpy(Y.copy())[None, None]
    weight = torch.nn.Parameter(torch.zeros(1, 1, kh, kw, dtype=torch.float64))
    optimizer = torch.optim.SGD([weight], lr=lr)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.mse_loss(F.conv2d(x, weight), y)
        loss.backward()
        optimizer.step()
    return weight.detach()[0, 0].numpy().copy()
'''),
    A("learn_kernel", "nn.Conv2d module without bias, float64", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    kh, kw = kernel_shape
    if X.ndim != 2 or Y.ndim != 2:
        raise ValueError("X and Y must both be 2-D arrays")
    if kh < 1 or kw < 1 or kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError(f"kernel_shape {kernel_shape} is impossible for X of shape {X.shape}")
    if Y.shape[0] != X.shape[0] - kh + 1 or Y.shape[1] != X.shape[1] - kw + 1:
        raise ValueError(f"Y {Y.shape} does not match X {X.shape} and kernel_shape {kernel_shape}")
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(1, 1, kernel_size=(kh, kw), bias=False).double()
    optimizer = torch.optim.SGD(conv.parameters(), lr=lr)
    x, y = torch.tensor(X).view(1, 1, *X.shape), torch.tensor(Y).view(1, 1, *Y.shape)
    for _ in range(steps):
        loss = ((conv(x) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return conv.weight.detach().numpy()[0, 0].astype(np.float64)
'''),
    A("learn_kernel", "numpy gradient written out: corr2d of X with the residual", '''
def learn_kernel(X, Y, kernel_shape, steps=400, lr=0.1):
    X = np.array(X, dtype=float)
    Y = np.array(Y, dtype=float)
    if X.ndim != 2 or Y.ndim != 2:
        raise ValueError(f"X and Y must be 2-D, got X.ndim={X.ndim}, Y.ndim={Y.ndim}")
    kh, kw = kernel_shape
    if kh < 1 or kw < 1 or kh > X.shape[0] or kw > X.shape[1]:
        raise ValueError(f"kernel_shape {kernel_shape} does not fit the input {X.shape}")
    if Y.shape != (X.shape[0] - kh + 1, X.shape[1] - kw + 1):
        raise ValueError(f"Y has the wrong shape {Y.shape} for a {kernel_shape} kernel on {X.shape}")
    K = np.zeros((kh, kw))
    for _ in range(steps):
        residual = corr2d(X, K) - Y
        # d/dK[m, n] of mean(residual ** 2) = 2 / N * sum_ij residual[i, j] * X[i + m, j + n]
        K -= lr * 2.0 / residual.size * corr2d(X, residual)
    return K
'''),
]
