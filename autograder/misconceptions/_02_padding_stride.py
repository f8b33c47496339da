"""Wrong implementations learners write for 02_padding_stride (padding, stride, dilation, 'SAME')."""

from autograder.misconceptions import Alternative as A
from autograder.misconceptions import Misconception as M

MISCONCEPTIONS = [
    # ---- pad2d ------------------------------------------------------------------------------------
    M("pad2d", "padding on one side only",
      "you pad only above and to the left: padding p adds p zeros on EACH side, so the padded input is "
      "(H + 2p) x (W + 2p).", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    pr, pc = as_pair(padding, "padding", 0)
    out = np.zeros((X.shape[0] + pr, X.shape[1] + pc))
    out[pr:, pc:] = X
    return out
'''),
    M("pad2d", "rows and columns swapped",
      "padding=(p_rows, p_cols): the first number pads above and below (rows), the second left and right "
      "(columns); yours are swapped.", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    pc, pr = as_pair(padding, "padding", 0)
    out = np.zeros((X.shape[0] + 2 * pr, X.shape[1] + 2 * pc))
    out[pr:pr + X.shape[0], pc:pc + X.shape[1]] = X
    return out
'''),
    M("pad2d", "border values instead of zeros",
      "the frame must be zeros; you repeat the border values (np.pad's mode='edge'), which is replicate "
      "padding, not zero padding.", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    pr, pc = as_pair(padding, "padding", 0)
    return np.pad(X, ((pr, pr), (pc, pc)), mode="edge")
'''),
    M("pad2d", "2p zeros on each side",
      "you put 2p zeros on each side: p zeros on each side already make the input 2p larger.", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    pr, pc = as_pair(padding, "padding", 0)
    return np.pad(X, ((2 * pr, 2 * pr), (2 * pc, 2 * pc)))
'''),
    M("pad2d", "integer dtype kept",
      "your result is not float64: an integer input stays integer. Convert with np.asarray(X, dtype=np.float64).",
      '''
def pad2d(X, padding):
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    pr, pc = as_pair(padding, "padding", 0)
    return np.pad(X, ((pr, pr), (pc, pc)))
'''),
    M("pad2d", "no check of ndim",
      "a 1-D (or 3-D) X must raise ValueError: pad2d pads images, and np.pad happily pads any array.", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    p = as_pair(padding, "padding", 0)[0]
    return np.pad(X, p)
'''),
    M("pad2d", "returns X itself for padding 0",
      "pad2d must always return a new array: with padding 0 you return the input itself, so changing the "
      "result changes the caller's data.", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    pr, pc = as_pair(padding, "padding", 0)
    if pr == pc == 0:
        return X
    out = np.zeros((X.shape[0] + 2 * pr, X.shape[1] + 2 * pc))
    out[pr:pr + X.shape[0], pc:pc + X.shape[1]] = X
    return out
'''),
    # ---- conv_output_size -------------------------------------------------------------------------
    M("conv_output_size", "ceil instead of floor",
      "your output size uses ceil instead of floor: a window that would hang over the edge of the padded "
      "input is dropped, so (n + 2p - d(k-1) - 1) / s is rounded DOWN.", '''
import math
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    if dilation * (k - 1) + 1 > n + 2 * padding:
        raise ValueError("kernel larger than the padded input")
    return math.ceil((n + 2 * padding - dilation * (k - 1) - 1) / stride) + 1
'''),
    M("conv_output_size", "forgot the +1",
      "your output size is one short: the +1 counts the first window position, before any stride step.", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    if dilation * (k - 1) + 1 > n + 2 * padding:
        raise ValueError("kernel larger than the padded input")
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride
''', equivalent=("one less",)),
    M("conv_output_size", "padding counted once",
      "padding p adds p cells on BOTH sides: the padded size is n + 2p, not n + p.", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    if dilation * (k - 1) + 1 > n + padding:
        raise ValueError("kernel larger than the padded input")
    return (n + padding - dilation * (k - 1) - 1) // stride + 1
'''),
    M("conv_output_size", "dilated kernel counted as d*k",
      "a dilated kernel spans d(k-1)+1 cells (d-1 gaps between k taps), not d*k: this is the slip that "
      "gives the lecture's wrong 4x4.", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    span = dilation * k
    if span > n + 2 * padding:
        raise ValueError("kernel larger than the padded input")
    return (n + 2 * padding - span) // stride + 1
'''),
    M("conv_output_size", "d gaps instead of d-1",
      "dilation d puts d-1 empty cells between neighbouring taps (d = 1 is an ordinary kernel); you put d.", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    span = (dilation + 1) * (k - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("kernel larger than the padded input")
    return (n + 2 * padding - span) // stride + 1
'''),
    M("conv_output_size", "stride ignored",
      "the window moves s cells at a time: divide (n + 2p - d(k-1) - 1) by the stride.", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    if dilation * (k - 1) + 1 > n + 2 * padding:
        raise ValueError("kernel larger than the padded input")
    return n + 2 * padding - dilation * (k - 1)
'''),
    M("conv_output_size", "true division returns a float",
      "return an int: (n + 2p - d(k-1) - 1) / s is a float in Python 3; use // (floor division).", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    padding, stride = as_int(padding, "padding", 0), as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    if dilation * (k - 1) + 1 > n + 2 * padding:
        raise ValueError("kernel larger than the padded input")
    return float((n + 2 * padding - dilation * (k - 1) - 1) // stride + 1)
'''),
    M("conv_output_size", "no validation",
      "a kernel larger than the padded input, stride 0 or a negative padding must raise ValueError, not "
      "return a size of 0 or less (or divide by zero).", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
'''),
    # ---- dilate_kernel ----------------------------------------------------------------------------
    M("dilate_kernel", "d zeros instead of d-1",
      "dilation d means taps d cells apart, i.e. d-1 zeros between them (dilation 1 = no zeros); you insert d.",
      '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    kh, kw = K.shape
    out = np.zeros(((dr + 1) * (kh - 1) + 1, (dc + 1) * (kw - 1) + 1))
    out[::dr + 1, ::dc + 1] = K
    return out
'''),
    M("dilate_kernel", "trailing zeros (d*k wide)",
      "the dilated kernel spans d(k-1)+1 cells and ends with a tap: you also add d-1 zeros after the last tap "
      "(shape d*k).", '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    spread = np.zeros((dr, dc))
    spread[0, 0] = 1.0
    return np.kron(K, spread)
'''),
    M("dilate_kernel", "rows and columns swapped",
      "dilation=(d_rows, d_cols): the first number spreads the rows, the second the columns; yours are swapped.",
      '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    dc, dr = as_pair(dilation, "dilation", 1)
    kh, kw = K.shape
    out = np.zeros((dr * (kh - 1) + 1, dc * (kw - 1) + 1))
    out[::dr, ::dc] = K
    return out
'''),
    M("dilate_kernel", "only the rows dilated",
      "dilation spreads the kernel along BOTH axes: zeros go between the rows and between the columns.", '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    out = np.zeros((dr * (K.shape[0] - 1) + 1, K.shape[1]))
    out[::dr] = K
    return out
'''),
    M("dilate_kernel", "integer dtype kept",
      "your result is not float64: an integer kernel stays integer. Convert with np.asarray(K, dtype=np.float64).",
      '''
def dilate_kernel(K, dilation):
    K = np.asarray(K)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    out = np.zeros((dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1), dtype=K.dtype)
    out[::dr, ::dc] = K
    return out
'''),
    M("dilate_kernel", "returns K itself for dilation 1",
      "dilate_kernel must return a new array: with dilation 1 you return the kernel itself, so changing the "
      "result changes the caller's kernel.", '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    if dr == dc == 1:
        return K
    out = np.zeros((dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1))
    out[::dr, ::dc] = K
    return out
'''),
    # ---- corr2d_general ---------------------------------------------------------------------------
    M("corr2d_general", "stride left out of the slice index",
      "output (i, j) reads the window starting at (i*s, j*s) of the padded input: your slice starts at (i, j), "
      "so the stride only shrinks the output.", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    pr, pc = as_pair(padding, "padding", 0); sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("kernel larger than the padded input")
    oh, ow = (Xp.shape[0] - kh) // sr + 1, (Xp.shape[1] - kw) // sc + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i:i + kh:dr, j:j + kw:dc] * K)
    return out
'''),
    M("corr2d_general", "padding applied once",
      "padding p goes on BOTH sides (top and bottom, left and right); you pad only the top and the left.", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    pr, pc = as_pair(padding, "padding", 0); sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, 0), (pc, 0)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("kernel larger than the padded input")
    oh, ow = (Xp.shape[0] - kh) // sr + 1, (Xp.shape[1] - kw) // sc + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh:dr, j * sc:j * sc + kw:dc] * K)
    return out
'''),
    M("corr2d_general", "dilation counted as d gaps",
      "dilation d means taps d cells apart (d-1 gaps); you step d+1 cells between taps.", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    pr, pc = as_pair(padding, "padding", 0); sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    dr, dc = (dr + 1, dc + 1) if (dr, dc) != (1, 1) else (1, 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("kernel larger than the padded input")
    oh, ow = (Xp.shape[0] - kh) // sr + 1, (Xp.shape[1] - kw) // sc + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh:dr, j * sc:j * sc + kw:dc] * K)
    return out
'''),
    M("corr2d_general", "ceil instead of floor for the output size",
      "your output has an extra row or column when (n + 2p - d(k-1) - 1) is not a multiple of the stride: "
      "the last window would hang over the edge, the size is floored.", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    pr, pc = as_pair(padding, "padding", 0); sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("kernel larger than the padded input")
    oh, ow = -(-(Xp.shape[0] - kh) // sr) + 1, -(-(Xp.shape[1] - kw) // sc) + 1
    Xp = np.pad(Xp, ((0, sr), (0, sc)))
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh:dr, j * sc:j * sc + kw:dc] * K)
    return out
'''),
    M("corr2d_general", "forgot the +1",
      "your output is one row and one column short: the number of positions is floor(...) + 1.", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    pr, pc = as_pair(padding, "padding", 0); sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("kernel larger than the padded input")
    oh, ow = max((Xp.shape[0] - kh) // sr, 1), max((Xp.shape[1] - kw) // sc, 1)
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh:dr, j * sc:j * sc + kw:dc] * K)
    return out
'''),
    M("corr2d_general", "kernel flipped",
      "your output is a true convolution (kernel flipped); the lecture's operation and torch's conv2d are "
      "cross-correlation: K[m, n] multiplies X[i*s + m*d, j*s + n*d].", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    K = K[::-1, ::-1]
    pr, pc = as_pair(padding, "padding", 0); sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("kernel larger than the padded input")
    oh, ow = (Xp.shape[0] - kh) // sr + 1, (Xp.shape[1] - kw) // sc + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh:dr, j * sc:j * sc + kw:dc] * K)
    return out
'''),
    M("corr2d_general", "row and column arguments swapped",
      "padding/stride/dilation=(rows, cols): the first number acts along the rows (height), the second along "
      "the columns; yours are swapped.", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    pc, pr = as_pair(padding, "padding", 0); sc, sr = as_pair(stride, "stride", 1)
    dc, dr = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    if kh > Xp.shape[0] or kw > Xp.shape[1]:
        raise ValueError("kernel larger than the padded input")
    oh, ow = (Xp.shape[0] - kh) // sr + 1, (Xp.shape[1] - kw) // sc + 1
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh:dr, j * sc:j * sc + kw:dc] * K)
    return out
'''),
    M("corr2d_general", "no check that the kernel fits",
      "a (dilated) kernel larger than the padded input must raise ValueError; yours returns an empty array.", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64); K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2:
        raise ValueError("X and K must be 2-D")
    pr, pc = as_pair(padding, "padding", 0); sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    kh, kw = dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1
    oh, ow = max((Xp.shape[0] - kh) // sr + 1, 0), max((Xp.shape[1] - kw) // sc + 1, 0)
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[i, j] = np.sum(Xp[i * sr:i * sr + kh:dr, j * sc:j * sc + kw:dc] * K)
    return out
'''),
    # ---- same_padding -----------------------------------------------------------------------------
    M("same_padding", "symmetric: total // 2 on both sides",
      "an odd total padding cannot be split evenly: TensorFlow puts total // 2 before and the rest AFTER, "
      "so (before, after) can differ by one.", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return total // 2, total // 2
'''),
    M("same_padding", "extra zero before",
      "TensorFlow puts the odd extra zero AFTER the input (bottom/right), not before.", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    out = -(-n // stride)
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return total - total // 2, total // 2
'''),
    M("same_padding", "stride ignored",
      "with stride s, 'SAME' only needs ceil(n / s) windows: the total padding is (out - 1) * s + d(k-1) + 1 - n, "
      "not always d(k-1).", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    total = dilation * (k - 1)
    return total // 2, total - total // 2
'''),
    M("same_padding", "floor(n / s) outputs",
      "'SAME' gives ceil(n / stride) outputs, not floor(n / stride): a last, partly padded window is kept.", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    out = n // stride
    total = max((out - 1) * stride + dilation * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2
'''),
    M("same_padding", "negative padding not clipped",
      "when the stride is larger than the kernel the formula goes negative: the total padding is never "
      "below 0 (max(..., 0)).", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    out = -(-n // stride)
    total = (out - 1) * stride + dilation * (k - 1) + 1 - n
    return total // 2, total - total // 2
'''),
    M("same_padding", "dilation ignored",
      "a dilated kernel spans d(k-1)+1 cells, and 'SAME' has to pad for that span, not for k.", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    out = -(-n // stride)
    total = max((out - 1) * stride + k - n, 0)
    return total // 2, total - total // 2
'''),
    M("same_padding", "no validation",
      "stride 0, k 0 or a pair must raise ValueError (same_padding works on one axis, with ints >= 1).", '''
def same_padding(n, k, stride=1, dilation=1):
    out = -(-n // max(stride, 1)) if isinstance(stride, int) else n
    total = max((out - 1) * (stride if isinstance(stride, int) else 1) + dilation * (k - 1) + 1 - n, 0)
    return total // 2, total - total // 2
'''),
]

ALTERNATIVES = [
    # ---- pad2d ------------------------------------------------------------------------------------
    A("pad2d", "np.pad with its own parsing of the padding", '''
def pad2d(X, padding):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array, got {X.ndim} dimension(s), shape {X.shape}")
    if np.ndim(padding) == 0:
        padding = (padding, padding)
    if np.ndim(padding) != 1 or len(padding) != 2:
        raise ValueError(f"padding must be an int or (p_rows, p_cols), got {padding!r}")
    for p in padding:
        if not np.issubdtype(np.asarray(p).dtype, np.integer) or p < 0:
            raise ValueError(f"each padding must be a non-negative int, got {p!r}")
    pr, pc = int(padding[0]), int(padding[1])
    return np.pad(X, ((pr, pr), (pc, pc)), mode="constant", constant_values=0.0)
'''),
    A("pad2d", "zero strips glued on with np.hstack / np.vstack", '''
def pad2d(X, padding):
    X = np.array(X, dtype=float)
    if len(X.shape) != 2:
        raise ValueError(f"pad2d pads 2-D arrays, got shape {X.shape}")
    pr, pc = as_pair(padding, "padding", 0)
    H = X.shape[0]
    side = np.zeros((H, pc))
    X = np.hstack([side, X, side])
    cap = np.zeros((pr, X.shape[1]))
    return np.vstack([cap, X, cap])
'''),
    A("pad2d", "torch F.pad on a float64 tensor", '''
def pad2d(X, padding):
    t = torch.as_tensor(np.asarray(X, dtype=np.float64))
    if t.dim() != 2:
        raise ValueError(f"X has to be 2-D, got shape {tuple(t.shape)}")
    pr, pc = as_pair(padding, "padding", 0)
    return F.pad(t, (pc, pc, pr, pr)).numpy().copy()
'''),
    # ---- conv_output_size -------------------------------------------------------------------------
    A("conv_output_size", "counts the window positions in a loop", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    for name, value, lowest in [("n", n, 1), ("k", k, 1), ("padding", padding, 0),
                                ("stride", stride, 1), ("dilation", dilation, 1)]:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        if value < lowest:
            raise ValueError(f"{name} must be at least {lowest}, got {value}")
    length = int(n) + 2 * int(padding)
    span = int(dilation) * (int(k) - 1) + 1
    if span > length:
        raise ValueError(f"the dilated kernel ({span} cells) does not fit the padded input ({length} cells)")
    count, start = 0, 0
    while start + span <= length:
        count += 1
        start += int(stride)
    return count
'''),
    A("conv_output_size", "math.floor of a true division", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    import math
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    p, s, d = as_int(padding, "padding", 0), as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    effective_k = k + (k - 1) * (d - 1)
    if effective_k > n + 2 * p:
        raise ValueError(f"effective kernel size {effective_k} exceeds padded input size {n + 2 * p}")
    return math.floor((n + 2 * p - effective_k) / s) + 1
'''),
    A("conv_output_size", "ceil form: ceil((n + 2p - span + 1) / s)", '''
def conv_output_size(n, k, padding=0, stride=1, dilation=1):
    n = as_int(n, "n", 1)
    k = as_int(k, "k", 1)
    padding = as_int(padding, "padding", 0)
    stride = as_int(stride, "stride", 1)
    dilation = as_int(dilation, "dilation", 1)
    free = n + 2 * padding - dilation * (k - 1)      # = n + 2p - span + 1 cells where a window may start
    if free < 1:
        raise ValueError(f"no valid position: n={n}, k={k}, padding={padding}, dilation={dilation}")
    return -(-free // stride)
'''),
    # ---- dilate_kernel ----------------------------------------------------------------------------
    A("dilate_kernel", "loop placing each tap at (m*d_rows, n*d_cols)", '''
def dilate_kernel(K, dilation):
    K = np.array(K, dtype=float)
    if K.ndim != 2 or 0 in K.shape:
        raise ValueError(f"K must be a non-empty 2-D array, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    kh, kw = K.shape
    out = np.zeros((dr * (kh - 1) + 1, dc * (kw - 1) + 1), dtype=np.float64)
    for m in range(kh):
        for n in range(kw):
            out[m * dr, n * dc] = K[m, n]
    return out
'''),
    A("dilate_kernel", "np.kron with a one-hot block, trailing zeros cut off", '''
def dilate_kernel(K, dilation):
    K = np.asarray(K).astype(np.float64)
    if K.ndim != 2 or K.size == 0:
        raise ValueError(f"expected a non-empty 2-D kernel, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    block = np.zeros((dr, dc))
    block[0, 0] = 1.0
    spread = np.kron(K, block)
    return spread[:dr * (K.shape[0] - 1) + 1, :dc * (K.shape[1] - 1) + 1].copy()
'''),
    A("dilate_kernel", "np.insert of d-1 zero rows and columns between taps", '''
def dilate_kernel(K, dilation):
    K = np.asarray(K, dtype=np.float64)
    if K.ndim != 2 or K.size == 0:
        raise ValueError(f"dilate_kernel needs a non-empty 2-D K, got shape {K.shape}")
    dr, dc = as_pair(dilation, "dilation", 1)
    rows = np.repeat(np.arange(1, K.shape[0]), dr - 1)
    cols = np.repeat(np.arange(1, K.shape[1]), dc - 1)
    out = np.insert(K, rows, 0.0, axis=0)
    out = np.insert(out, cols, 0.0, axis=1)
    return out
'''),
    # ---- corr2d_general ---------------------------------------------------------------------------
    A("corr2d_general", "sliding_window_view over the span, subsampled by stride and dilation", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.asarray(X, dtype=np.float64)
    K = np.asarray(K, dtype=np.float64)
    if X.ndim != 2 or K.ndim != 2 or X.size == 0 or K.size == 0:
        raise ValueError(f"need non-empty 2-D X and K, got shapes {X.shape} and {K.shape}")
    pr, pc = as_pair(padding, "padding", 0)
    sr, sc = as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    Xp = np.pad(X, ((pr, pr), (pc, pc)))
    span = (dr * (K.shape[0] - 1) + 1, dc * (K.shape[1] - 1) + 1)
    if span[0] > Xp.shape[0] or span[1] > Xp.shape[1]:
        raise ValueError(f"dilated kernel spans {span}, the padded input is only {Xp.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(Xp, span)[::sr, ::sc, ::dr, ::dc]
    return np.einsum("ijmn,mn->ij", windows, K)
'''),
    A("corr2d_general", "kernel offsets outer, strided slices of a hand-padded input", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    X = np.array(X, dtype=float)
    K = np.array(K, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}")
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D, got shape {K.shape}")
    (pr, pc), (sr, sc) = as_pair(padding, "padding", 0), as_pair(stride, "stride", 1)
    dr, dc = as_pair(dilation, "dilation", 1)
    H, W = X.shape
    kh, kw = K.shape
    Xp = np.zeros((H + 2 * pr, W + 2 * pc))
    Xp[pr:pr + H, pc:pc + W] = X
    free_r, free_c = Xp.shape[0] - dr * (kh - 1) - 1, Xp.shape[1] - dc * (kw - 1) - 1
    if kh == 0 or kw == 0 or free_r < 0 or free_c < 0:
        raise ValueError(f"kernel {K.shape} with dilation {(dr, dc)} does not fit the padded input {Xp.shape}")
    oh, ow = free_r // sr + 1, free_c // sc + 1
    out = np.zeros((oh, ow))
    for m in range(kh):
        for n in range(kw):
            r0, c0 = m * dr, n * dc
            out += K[m, n] * Xp[r0:r0 + sr * (oh - 1) + 1:sr, c0:c0 + sc * (ow - 1) + 1:sc]
    return out
'''),
    A("corr2d_general", "torch F.conv2d, its RuntimeError turned into ValueError", '''
def corr2d_general(X, K, padding=0, stride=1, dilation=1):
    x = torch.as_tensor(np.asarray(X, dtype=np.float64))
    w = torch.as_tensor(np.asarray(K, dtype=np.float64))
    if x.dim() != 2 or w.dim() != 2:
        raise ValueError(f"X and K must be 2-D, got {tuple(x.shape)} and {tuple(w.shape)}")
    padding = as_pair(padding, "padding", 0)
    stride = as_pair(stride, "stride", 1)
    dilation = as_pair(dilation, "dilation", 1)
    try:
        out = F.conv2d(x[None, None], w[None, None], padding=padding, stride=stride, dilation=dilation)
    except RuntimeError as e:
        raise ValueError(f"kernel {tuple(w.shape)} (dilation {dilation}) does not fit X {tuple(x.shape)} "
                         f"with padding {padding}: {e}") from None
    return out[0, 0].numpy()
'''),
    # ---- same_padding -----------------------------------------------------------------------------
    A("same_padding", "math.ceil and an if for the negative case", '''
def same_padding(n, k, stride=1, dilation=1):
    import math
    for name, value in {"n": n, "k": k, "stride": stride, "dilation": dilation}.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise ValueError(f"{name} must be a single int (one axis), got {value!r}")
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    outputs = math.ceil(n / stride)
    needed = (outputs - 1) * stride + (k - 1) * dilation + 1
    total = needed - n
    if total < 0:
        total = 0
    before = total // 2
    return int(before), int(total - before)
'''),
    A("same_padding", "searches the least total padding in a loop", '''
def same_padding(n, k, stride=1, dilation=1):
    n, k = as_int(n, "n", 1), as_int(k, "k", 1)
    stride, dilation = as_int(stride, "stride", 1), as_int(dilation, "dilation", 1)
    wanted = (n + stride - 1) // stride
    span = dilation * (k - 1) + 1
    total = 0
    while n + total < span or (n + total - span) // stride + 1 < wanted:
        total += 1
    after = (total + 1) // 2
    return total - after, after
'''),
    A("same_padding", "TensorFlow's formula by the remainder n % stride", '''
def same_padding(n, k, stride=1, dilation=1):
    n = as_int(n, "n", 1)
    k = as_int(k, "k", 1)
    s = as_int(stride, "stride", 1)
    d = as_int(dilation, "dilation", 1)
    effective = (k - 1) * d + 1
    if n % s == 0:
        total = max(effective - s, 0)
    else:
        total = max(effective - n % s, 0)
    return (total // 2, total - total // 2)
'''),
]
