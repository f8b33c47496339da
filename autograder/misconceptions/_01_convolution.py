"""Wrong implementations learners write for 01_convolution."""

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
'''),
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
