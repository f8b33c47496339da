"""Wrong implementations learners write for 04_parameter_sharing.

The notebook defines ``positive_int`` and ``int_pair`` in an ordinary cell; the wrong versions use them like the
reference does, so each entry differs from it by one mistake.
"""

from autograder.misconceptions import Alternative as A
from autograder.misconceptions import Misconception as M

MISCONCEPTIONS = [
    # ---------------------------------------------------------------- fc_params
    M("fc_params", "bias forgotten",
      "your count has no biases: each output unit of a fully connected layer also has one bias, "
      "(55*55*3 + 1) * 55*55*96 — the +1 is missing.", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be a non-empty shape")
        return math.prod(positive_int(s, name) for s in shape)
    return units(in_shape, "in_shape") * units(out_shape, "out_shape")
'''),
    M("fc_params", "one bias for the whole layer",
      "you add a single bias to the layer; there is one bias per OUTPUT UNIT: (inputs + 1) * outputs.", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be a non-empty shape")
        return math.prod(positive_int(s, name) for s in shape)
    return units(in_shape, "in_shape") * units(out_shape, "out_shape") + int(bool(bias))
'''),
    M("fc_params", "bias flag ignored",
      "with bias=False there are no biases: count (inputs + bias) * outputs, where bias is 0 or 1.", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be a non-empty shape")
        return math.prod(positive_int(s, name) for s in shape)
    return (units(in_shape, "in_shape") + 1) * units(out_shape, "out_shape")
'''),
    M("fc_params", "one bias per input",
      "biases belong to the output units, not the inputs: (inputs + 1) * outputs, not inputs * outputs + inputs.", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be a non-empty shape")
        return math.prod(positive_int(s, name) for s in shape)
    n_in, n_out = units(in_shape, "in_shape"), units(out_shape, "out_shape")
    return n_in * n_out + (n_in if bias else 0)
'''),
    M("fc_params", "shape sizes added instead of multiplied",
      "a 55x55x3 volume has 55*55*3 = 9,075 units, not 55+55+3: multiply the sizes.", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be a non-empty shape")
        return sum(positive_int(s, name) for s in shape)
    return (units(in_shape, "in_shape") + int(bool(bias))) * units(out_shape, "out_shape")
'''),
    M("fc_params", "only output channels counted",
      "every output UNIT (55*55*96 of them) has its own weights, not only every output channel.", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be a non-empty shape")
        return [positive_int(s, name) for s in shape]
    return (math.prod(units(in_shape, "in_shape")) + int(bool(bias))) * units(out_shape, "out_shape")[-1]
'''),
    M("fc_params", "no validation",
      "negative or zero sizes and empty shapes must raise ValueError, not give a count.", '''
def fc_params(in_shape, out_shape, bias=True):
    n_in = math.prod(in_shape) if isinstance(in_shape, (tuple, list)) else in_shape
    n_out = math.prod(out_shape) if isinstance(out_shape, (tuple, list)) else out_shape
    return int((n_in + int(bool(bias))) * n_out)
'''),
    # ---------------------------------------------------------------- local_params
    M("local_params", "bias forgotten",
      "each output unit of a locally connected layer has a bias too: (11*11*3 + 1) * 55*55*96.", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError("out_shape must be (H_out, W_out, C_out)")
    h, w, c_out = (positive_int(v, "out_shape") for v in out_shape)
    return c_in * kh * kw * h * w * c_out
'''),
    M("local_params", "input channels forgotten",
      "a window covers all input channels: each filter has C_in * kh * kw weights (11*11*3, not 11*11).", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError("out_shape must be (H_out, W_out, C_out)")
    h, w, c_out = (positive_int(v, "out_shape") for v in out_shape)
    return (kh * kw + int(bool(bias))) * h * w * c_out
'''),
    M("local_params", "weights shared across positions",
      "that is the convolution's count: a locally connected layer has a separate filter at every one of the "
      "H_out * W_out positions (no sharing).", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError("out_shape must be (H_out, W_out, C_out)")
    h, w, c_out = (positive_int(v, "out_shape") for v in out_shape)
    return (c_in * kh * kw + int(bool(bias))) * c_out
'''),
    M("local_params", "square kernel assumed",
      "kernel_size (kh, kw) may be rectangular: use both kh and kw, not kh * kh.", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError("out_shape must be (H_out, W_out, C_out)")
    h, w, c_out = (positive_int(v, "out_shape") for v in out_shape)
    return (c_in * kh * kh + int(bool(bias))) * h * w * c_out
'''),
    M("local_params", "one bias per output channel",
      "without sharing every output unit has its own bias: (C_in*kh*kw + 1) per unit, not one bias per channel.", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError("out_shape must be (H_out, W_out, C_out)")
    h, w, c_out = (positive_int(v, "out_shape") for v in out_shape)
    return c_in * kh * kw * h * w * c_out + (c_out if bias else 0)
'''),
    M("local_params", "out_shape not checked",
      "out_shape must be exactly (H_out, W_out, C_out); a missing channel count or a negative size "
      "is a ValueError.", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    return (c_in * kh * kw + int(bool(bias))) * math.prod(out_shape)
'''),
    # ---------------------------------------------------------------- conv_params
    M("conv_params", "bias forgotten",
      "each filter has a bias: 96 * (3*11*11 + 1) = 34,944.", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    return c_out * c_in * kh * kw
'''),
    M("conv_params", "input channels forgotten",
      "a filter spans all input channels: C_in * kh * kw weights (3*11*11), not kh * kw.", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    return c_out * (kh * kw + int(bool(bias)))
'''),
    M("conv_params", "one bias per input channel",
      "there is one bias per FILTER (output channel), not one per input channel.", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    return c_out * c_in * kh * kw + (c_in if bias else 0)
'''),
    M("conv_params", "square kernel assumed",
      "kernel_size (kh, kw) may be rectangular: nn.Conv2d(2, 5, (3, 4)) has 5 * (2*3*4 + 1) parameters.", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    return c_out * (c_in * kh * kh + int(bool(bias)))
'''),
    M("conv_params", "bias flag ignored",
      "with bias=False there are no biases.", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    return c_out * (c_in * kh * kw + 1)
'''),
    M("conv_params", "no validation",
      "a kernel size of 0 or a negative channel count must raise ValueError.", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else (kernel_size, kernel_size)
    return int(out_channels * (in_channels * kh * kw + int(bool(bias))))
'''),
    # ---------------------------------------------------------------- count_parameters
    # The test that fails first counts a model with frozen parameters and no buffers: these two count the same
    # there, so either name is true of the results the tests see (``equivalent``).
    M("count_parameters", "frozen parameters counted",
      "parameters with requires_grad=False are frozen, not trainable: skip them.", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected an nn.Module, got {type(module).__name__}")
    return sum(p.numel() for p in module.parameters())
''', equivalent=("state_dict counts buffers",)),
    M("count_parameters", "state_dict counts buffers",
      "state_dict() also holds buffers (BatchNorm's running mean and variance), which are not parameters: "
      "use module.parameters().", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected an nn.Module, got {type(module).__name__}")
    return sum(t.numel() for t in module.state_dict().values())
''', equivalent=("frozen parameters counted",)),
    M("count_parameters", "number of tensors instead of numbers",
      "module.parameters() yields tensors: add up p.numel() (the numbers in each), not the count of tensors.", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected an nn.Module, got {type(module).__name__}")
    return len([p for p in module.parameters() if p.requires_grad])
'''),
    M("count_parameters", "submodules counted again",
      "module.parameters() already includes every submodule (recursively): looping over module.modules() as "
      "well counts nested layers several times.", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected an nn.Module, got {type(module).__name__}")
    return sum(p.numel() for m in module.modules() for p in m.parameters() if p.requires_grad)
'''),
    M("count_parameters", "only weights counted",
      "biases are parameters too: count every tensor of module.parameters(), not only the '*.weight' ones.", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected an nn.Module, got {type(module).__name__}")
    return sum(p.numel() for name, p in module.named_parameters() if name.endswith("weight") and p.requires_grad)
'''),
    M("count_parameters", "shared layer counted twice",
      "a layer used twice is ONE set of weights; adding up the layers of a Sequential one by one counts it "
      "twice (module.parameters() removes duplicates).", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"expected an nn.Module, got {type(module).__name__}")
    if isinstance(module, torch.nn.Sequential):  # a network is the sum of its layers...
        return sum(count_parameters(layer) for layer in module)
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
'''),
    M("count_parameters", "no type check",
      "a tensor or a list is not an nn.Module: raise TypeError with a message instead of failing somewhere inside.", '''
def count_parameters(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
'''),
    # ---------------------------------------------------------------- receptive_field
    M("receptive_field", "stride ignored",
      "after a layer of stride s, neighbouring units are s input pixels apart, so the next layer's window "
      "grows the field by d*(k-1)*jump, where jump is the product of the earlier strides.", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list of (k, s, d)")
    r = 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be (k, s, d)")
        k, s, d = (positive_int(v, "layer") for v in layer)
        r += d * (k - 1)
    return r
'''),
    M("receptive_field", "dilation ignored",
      "a dilated kernel's taps are d apart: it spans d*(k-1) + 1 units, not k.", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list of (k, s, d)")
    r, jump = 1, 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be (k, s, d)")
        k, s, d = (positive_int(v, "layer") for v in layer)
        r += (k - 1) * jump
        jump *= s
    return r
'''),
    M("receptive_field", "kernel sizes added",
      "stacked windows overlap: three 3x3 layers see 7 pixels (1 + 2 + 2 + 2), not 3 + 3 + 3 = 9.", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list of (k, s, d)")
    if not layers:
        return 1
    r, jump = 0, 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be (k, s, d)")
        k, s, d = (positive_int(v, "layer") for v in layer)
        r += (d * (k - 1) + 1) * jump
        jump *= s
    return r
'''),
    M("receptive_field", "own stride used too early",
      "a layer's own stride does not widen its own window: multiply the jump by s AFTER adding d*(k-1)*jump.", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list of (k, s, d)")
    r, jump = 1, 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be (k, s, d)")
        k, s, d = (positive_int(v, "layer") for v in layer)
        jump *= s
        r += d * (k - 1) * jump
    return r
'''),
    M("receptive_field", "dilated kernel spans d*k",
      "a kernel of k taps with dilation d spans d*(k-1) + 1 pixels (3x3, d=2: 5), not d*k.", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list of (k, s, d)")
    r, jump = 1, 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be (k, s, d)")
        k, s, d = (positive_int(v, "layer") for v in layer)
        r += (d * k - 1) * jump
        jump *= s
    return r
'''),
    M("receptive_field", "no validation",
      "k, s and d must be >= 1 and each layer a triple (k, s, d): raise ValueError otherwise.", '''
def receptive_field(layers):
    r, jump = 1, 1
    for k, s, d in layers:
        r += d * (k - 1) * jump
        jump *= s
    return r
'''),
    # ---------------------------------------------------------------- stacked_vs_single
    M("stacked_vs_single", "bias included",
      "the comparison is without bias: 27C^2 and 49C^2 exactly (3 + 1 biases would add 3C and C).", '''
def stacked_vs_single(C):
    C = positive_int(C, "C")
    return 3 * C * (3 * 3 * C + 1), C * (7 * 7 * C + 1)
'''),
    M("stacked_vs_single", "one 3x3 layer instead of three",
      "the stack has THREE 3x3 layers: 3 * C * (3*3*C) = 27C^2, not 9C^2.", '''
def stacked_vs_single(C):
    C = positive_int(C, "C")
    return C * 3 * 3 * C, C * 7 * 7 * C
'''),
    M("stacked_vs_single", "output channels forgotten",
      "each of the C output channels has its own k*k*C filter: the counts grow with C squared.", '''
def stacked_vs_single(C):
    C = positive_int(C, "C")
    return 3 * 3 * 3 * C, 7 * 7 * C
'''),
    M("stacked_vs_single", "pair swapped",
      "return (three 3x3 layers, one 7x7 layer) in this order: (27C^2, 49C^2).", '''
def stacked_vs_single(C):
    C = positive_int(C, "C")
    return 49 * C * C, 27 * C * C
'''),
    M("stacked_vs_single", "list instead of tuple",
      "return a tuple (27C^2, 49C^2), not a list.", '''
def stacked_vs_single(C):
    C = positive_int(C, "C")
    return [27 * C * C, 49 * C * C]
'''),
    M("stacked_vs_single", "no validation",
      "C must be a positive int: raise ValueError for 0, negative numbers and floats.", '''
def stacked_vs_single(C):
    return 27 * C * C, 49 * C * C
'''),
    # ---------------------------------------------------------------- shift
    M("shift", "wraps around (np.roll)",
      "np.roll wraps what leaves on one side back in on the other; a shifted image gets ZEROS where "
      "content comes in.", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X needs at least 2 dimensions")
    for v in (dy, dx):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("dy and dx must be ints")
    return np.roll(X, (dy, dx), axis=(-2, -1))
'''),
    M("shift", "wrong direction",
      "shift(X, 1, 0) moves the content DOWN: out[i + dy, j + dx] = X[i, j], not out[i, j] = X[i + dy, j + dx].", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X needs at least 2 dimensions")
    for v in (dy, dx):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("dy and dx must be ints")
    dy, dx = -dy, -dx
    H, W = X.shape[-2:]
    out = np.zeros_like(X)
    if abs(dy) < H and abs(dx) < W:
        out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
            X[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
'''),
    M("shift", "axes swapped",
      "dy moves rows (axis -2) and dx columns (axis -1).", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X needs at least 2 dimensions")
    for v in (dy, dx):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("dy and dx must be ints")
    dy, dx = dx, dy
    H, W = X.shape[-2:]
    out = np.zeros_like(X)
    if abs(dy) < H and abs(dx) < W:
        out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
            X[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
'''),
    M("shift", "slicing breaks for a zero shift",
      "X[:-0] is EMPTY in Python (slice(0, -0) is slice(0, 0)): handle dy = 0 and dx = 0 explicitly.", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X needs at least 2 dimensions")
    for v in (dy, dx):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("dy and dx must be ints")
    H, W = X.shape[-2:]
    out = np.zeros_like(X)
    r_dst, r_src = (slice(dy, H), slice(0, -dy)) if dy >= 0 else (slice(0, H + dy), slice(-dy, H))
    c_dst, c_src = (slice(dx, W), slice(0, -dx)) if dx >= 0 else (slice(0, W + dx), slice(-dx, W))
    out[..., r_dst, c_dst] = X[..., r_src, c_src]
    return out
'''),
    M("shift", "input modified in place",
      "shift must return a new array and leave X unchanged (np.asarray does not copy a float64 array).", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X needs at least 2 dimensions")
    for v in (dy, dx):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("dy and dx must be ints")
    H, W = X.shape[-2:]
    if abs(dy) >= H or abs(dx) >= W:
        X[...] = 0
        return X
    moved = X[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)].copy()
    X[...] = 0
    X[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = moved
    return X
'''),
    M("shift", "shift larger than the image",
      "a shift by the full height or more leaves only zeros; slicing with such offsets misbehaves.", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X needs at least 2 dimensions")
    for v in (dy, dx):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("dy and dx must be ints")
    H, W = X.shape[-2:]
    out = np.zeros_like(X)
    out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
        X[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
'''),
    M("shift", "only 2-D input",
      "only the last two axes move: a batch (N, C, H, W) keeps its first axes.", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X needs at least 2 dimensions")
    for v in (dy, dx):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError("dy and dx must be ints")
    H, W = X.shape[0], X.shape[1]
    out = np.zeros_like(X)
    if abs(dy) < H and abs(dx) < W:
        out[max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
            X[max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
'''),
    M("shift", "no validation",
      "a 1-D X or a fractional shift must raise ValueError with a message (int(1.5) silently gives 1).", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    dy, dx = int(dy), int(dx)
    H, W = X.shape[-2:]
    out = np.zeros_like(X)
    if abs(dy) < H and abs(dx) < W:
        out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
            X[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
'''),
]

ALTERNATIVES = [
    # ---------------------------------------------------------------- fc_params
    A("fc_params", "math.prod over validated sizes, weights plus one bias per output", '''
def fc_params(in_shape, out_shape, bias=True):
    counts = []
    for name, shape in (("in_shape", in_shape), ("out_shape", out_shape)):
        sizes = list(shape) if isinstance(shape, (tuple, list)) else [shape]
        if not sizes:
            raise ValueError(f"{name} is empty")
        counts.append(math.prod(positive_int(s, name) for s in sizes))
    n_in, n_out = counts
    return n_in * n_out + (n_out if bias else 0)
'''),
    A("fc_params", "int(np.prod(...)) on an int64 array, own checks", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        if not isinstance(shape, (tuple, list)):
            shape = [shape]
        if len(shape) == 0 or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in shape):
            raise ValueError(f"{name} must be a positive int or a non-empty tuple of positive ints, got {shape!r}")
        sizes = np.array(shape, dtype=np.int64)
        if np.any(sizes < 1):
            raise ValueError(f"{name} has a size < 1: {shape!r}")
        return int(np.prod(sizes))

    n_in = units(in_shape, "in_shape")
    n_out = units(out_shape, "out_shape")
    return (n_in + 1) * n_out if bias else n_in * n_out
'''),
    A("fc_params", "functools.reduce with operator.mul", '''
def fc_params(in_shape, out_shape, bias=True):
    import functools
    import operator

    def units(shape, name):
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not shape:
            raise ValueError(f"{name}: expected an int or a non-empty tuple, got {shape!r}")
        return functools.reduce(operator.mul, [positive_int(s, name) for s in shape], 1)

    weights = units(in_shape, "in_shape") * units(out_shape, "out_shape")
    biases = units(out_shape, "out_shape") if bias else 0
    return weights + biases
'''),
    # ---------------------------------------------------------------- local_params
    A("local_params", "own validation, one filter per output unit", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    def check(v, name):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
        return int(v)

    c_in = check(in_channels, "in_channels")
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(f"kernel_size must be k or (kh, kw), got {kernel_size!r}")
        kh, kw = check(kernel_size[0], "kh"), check(kernel_size[1], "kw")
    else:
        kh = kw = check(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError(f"out_shape must have three entries (H_out, W_out, C_out), got {out_shape!r}")
    h, w, c_out = (check(v, "out_shape") for v in out_shape)
    per_unit = c_in * kh * kw + (1 if bias else 0)
    return per_unit * (h * w * c_out)
'''),
    A("local_params", "weights and biases counted separately with math.prod", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError(f"out_shape must be (H_out, W_out, C_out), got {out_shape!r}")
    units = math.prod(positive_int(v, "out_shape") for v in out_shape)
    weights = math.prod([units, c_in, kh, kw])
    return weights + units if bias else weights
'''),
    A("local_params", "np.prod of the output volume, int() at the end", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    ks = [kernel_size] * 2 if not isinstance(kernel_size, (tuple, list, np.ndarray)) else list(kernel_size)
    if len(ks) != 2:
        raise ValueError(f"kernel_size must be one or two ints, got {kernel_size!r}")
    kh, kw = (positive_int(k, "kernel_size") for k in ks)
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError(f"out_shape needs 3 entries, got {out_shape!r}")
    dims = np.array([positive_int(v, "out_shape") for v in out_shape], dtype=np.int64)
    return int(np.prod(dims)) * (c_in * kh * kw + int(bias))
'''),
    # ---------------------------------------------------------------- conv_params
    A("conv_params", "weights plus biases, own validation", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    def check(v, name):
        if type(v) is bool or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError(f"{name} must be a positive int, got {v!r}")
        return int(v)

    c_in, c_out = check(in_channels, "in_channels"), check(out_channels, "out_channels")
    if isinstance(kernel_size, (list, tuple)):
        if len(kernel_size) != 2:
            raise ValueError(f"kernel_size must be k or (kh, kw), got {kernel_size!r}")
        kh, kw = (check(k, "kernel_size") for k in kernel_size)
    else:
        kh = kw = check(kernel_size, "kernel_size")
    weights = c_out * c_in * kh * kw
    biases = c_out if bias else 0
    return weights + biases
'''),
    A("conv_params", "count the parameters of an nn.Conv2d on the meta device", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    layer = nn.Conv2d(c_in, c_out, (kh, kw), bias=bool(bias), device="meta")
    return sum(p.numel() for p in layer.parameters())
'''),
    A("conv_params", "math.prod of the weight shape (C_out, C_in, kh, kw)", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    shape = (positive_int(out_channels, "out_channels"), positive_int(in_channels, "in_channels"),
             *int_pair(kernel_size, "kernel_size"))
    return math.prod(shape) + shape[0] * int(bool(bias))
'''),
    # ---------------------------------------------------------------- count_parameters
    A("count_parameters", "loop over named_parameters()", '''
def count_parameters(module):
    if not isinstance(module, nn.Module):
        raise TypeError(f"expected an nn.Module, got {module.__class__.__name__}")
    total = 0
    for _name, p in module.named_parameters():
        if p.requires_grad:
            total += p.numel()
    return total
'''),
    A("count_parameters", "walk modules(), own parameters only, dedupe by id", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError("count_parameters needs a torch.nn.Module")
    seen, total = set(), 0
    for m in module.modules():
        for p in m.parameters(recurse=False):
            if p.requires_grad and id(p) not in seen:
                seen.add(id(p))
                total += math.prod(p.shape)
    return total
'''),
    A("count_parameters", "np.prod of each trainable tensor's size, int() of the sum", '''
def count_parameters(module):
    if not isinstance(module, nn.Module):
        raise TypeError(f"{module!r} is not a torch.nn.Module")
    trainable = filter(lambda p: p.requires_grad, module.parameters())
    return int(sum(np.prod(tuple(p.size()), dtype=np.int64) for p in trainable))
'''),
    # ---------------------------------------------------------------- shift
    A("shift", "np.roll, then zero what wrapped around", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError(f"X must have at least 2 dimensions, got {X.ndim}")
    for name, v in (("dy", dy), ("dx", dx)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an int, got {v!r}")
    H, W = X.shape[-2:]
    out = np.roll(X, (int(dy), int(dx)), axis=(-2, -1))      # a new array
    if dy > 0:
        out[..., :min(dy, H), :] = 0
    elif dy < 0:
        out[..., max(H + dy, 0):, :] = 0
    if dx > 0:
        out[..., :, :min(dx, W)] = 0
    elif dx < 0:
        out[..., :, max(W + dx, 0):] = 0
    return out
'''),
    A("shift", "gather with index arrays and np.where for the zero fill", '''
def shift(X, dy, dx):
    import operator
    try:
        dy, dx = operator.index(dy), operator.index(dx)
    except TypeError:
        raise ValueError(f"dy and dx must be integers, got {dy!r} and {dx!r}") from None
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError(f"shift needs rows and columns, X has shape {X.shape}")
    H, W = X.shape[-2:]
    rows = np.arange(H) - dy                 # out row i comes from X row i - dy
    cols = np.arange(W) - dx
    inside = ((rows >= 0) & (rows < H))[:, None] & ((cols >= 0) & (cols < W))[None, :]
    gathered = X[..., np.clip(rows, 0, H - 1)[:, None], np.clip(cols, 0, W - 1)[None, :]]
    return np.where(inside, gathered, 0.0)
'''),
    A("shift", "one axis at a time with a helper", '''
def shift(X, dy, dx):
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (dy, dx)):
        raise ValueError(f"shift amounts must be ints, got dy={dy!r}, dx={dx!r}")
    X = np.array(X, dtype=float)
    if X.ndim < 2:
        raise ValueError("X needs at least two axes")

    def along(A, d, axis):
        n = A.shape[axis]
        B = np.zeros_like(A)
        if abs(d) >= n:
            return B
        dst, src = [slice(None)] * A.ndim, [slice(None)] * A.ndim
        if d >= 0:
            dst[axis], src[axis] = slice(d, n), slice(0, n - d)
        else:
            dst[axis], src[axis] = slice(0, n + d), slice(-d, n)
        B[tuple(dst)] = A[tuple(src)]
        return B

    return along(along(X, int(dy), X.ndim - 2), int(dx), X.ndim - 1)
'''),
    # ---------------------------------------------------------------- receptive_field
    A("receptive_field", "backward recursion from the output unit", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError(f"layers must be a list of (k, s, d), got {layers!r}")
    checked = []
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layer {i} must be (k, s, d), got {layer!r}")
        checked.append(tuple(positive_int(v, f"layer {i}") for v in layer))
    r = 1
    for k, s, d in reversed(checked):
        r = s * (r - 1) + d * (k - 1) + 1
    return r
'''),
    A("receptive_field", "closed form: sum of d*(k-1) times the product of earlier strides", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list or tuple of (k, s, d) triples")
    ks, ss, ds = [], [], []
    for layer in layers:
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"each layer must be a triple (k, s, d), got {layer!r}")
        for v in layer:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"k, s and d must be ints >= 1, got {layer!r}")
        ks.append(int(layer[0]))
        ss.append(int(layer[1]))
        ds.append(int(layer[2]))
    return 1 + sum(ds[i] * (ks[i] - 1) * math.prod(ss[:i]) for i in range(len(ks)))
'''),
    A("receptive_field", "expand the set of input pixels layer by layer, back to the input", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError(f"layers must be a list, got {type(layers).__name__}")
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be (k, s, d), got {layer!r}")
        for v in layer:
            positive_int(v, f"layers[{i}]")
    pixels = {0}                                   # the output unit's position in the last layer
    for k, s, d in reversed(layers):
        pixels = {p * int(s) + int(d) * t for p in pixels for t in range(int(k))}
    return max(pixels) - min(pixels) + 1
'''),
    # ---------------------------------------------------------------- stacked_vs_single
    A("stacked_vs_single", "math.prod of the weight shapes", '''
def stacked_vs_single(C):
    C = positive_int(C, "C")
    three = sum(math.prod((C, C, 3, 3)) for _ in range(3))
    seven = math.prod((C, C, 7, 7))
    return (three, seven)
'''),
    A("stacked_vs_single", "reuses conv_params without bias", '''
def stacked_vs_single(C):
    if isinstance(C, bool) or not isinstance(C, (int, np.integer)) or C < 1:
        raise ValueError(f"C must be a positive int, got {C!r}")
    return 3 * conv_params(C, C, 3, bias=False), conv_params(C, C, 7, bias=False)
'''),
    A("stacked_vs_single", "numbers.Integral check, C squared once", '''
def stacked_vs_single(C):
    import numbers
    if isinstance(C, bool) or not isinstance(C, numbers.Integral) or C <= 0:
        raise ValueError(f"C must be a positive integer, got {C!r}")
    c2 = int(C) ** 2
    return 27 * c2, 49 * c2
'''),
]
