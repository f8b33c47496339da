"""Wrong implementations of 04_parameter_sharing kept out of the diagnosis (see the package docstring)."""

from autograder.misconceptions import KeptOut as K

KEPT_OUT = [
    # fc_params
    K("fc_params", "unit counts as floats (np.prod with dtype=float)", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be an int or a non-empty tuple")
        for axis, size in enumerate(shape):
            positive_int(size, f"{name}[{axis}]")
        return np.prod(shape, dtype=float)
    return (units(in_shape, "in_shape") + (1 if bias else 0)) * units(out_shape, "out_shape")
''', ("type",)),
    K("fc_params", "output shape's channels only", '''
def fc_params(in_shape, out_shape, bias=True):
    def units(shape, name):
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or len(shape) == 0:
            raise ValueError(f"{name} must be an int or a non-empty tuple")
        return [positive_int(size, f"{name}[{axis}]") for axis, size in enumerate(shape)]
    n_in = int(np.prod(units(in_shape, "in_shape")))
    return (n_in + int(bool(bias))) * units(out_shape, "out_shape")[-1]
''', ("only output channels counted",)),
    # local_params
    K("local_params", "first entry of a kernel_size pair used for both", '''
def local_params(in_channels, kernel_size, out_shape, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    if not isinstance(out_shape, (tuple, list)) or len(out_shape) != 3:
        raise ValueError("out_shape must be (H_out, W_out, C_out)")
    h, w, c_out = (positive_int(v, "out_shape") for v in out_shape)
    return (c_in * kh * kh + int(bool(bias))) * h * w * c_out
''', ("pair first(kernel_size)", "square kernel assumed")),
    # conv_params
    K("conv_params", "in and out channels swapped", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    return c_in * (c_out * kh * kw + int(bool(bias)))
''', ("arguments swapped(in_channels, out_channels)", "one bias per input channel")),
    K("conv_params", "bias counted per weight", '''
def conv_params(in_channels, out_channels, kernel_size, bias=True):
    c_in = positive_int(in_channels, "in_channels")
    c_out = positive_int(out_channels, "out_channels")
    kh, kw = int_pair(kernel_size, "kernel_size")
    weights = c_out * c_in * kh * kw
    return weights * 2 if bias else weights
''', ()),
    # count_parameters
    K("count_parameters", "parameters of the direct children only", '''
def count_parameters(module):
    if not isinstance(module, torch.nn.Module):
        raise TypeError("count_parameters expects a torch.nn.Module")
    own = sum(p.numel() for p in module.parameters(recurse=False) if p.requires_grad)
    return int(own + sum(p.numel() for child in module.children()
                         for p in child.parameters(recurse=False) if p.requires_grad))
''', ()),
    # shift
    K("shift", "dy moves the content up", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X must have at least 2 dimensions")
    for name, v in (("dy", dy), ("dx", dx)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an int")
    dy = -dy
    H, W = X.shape[-2:]
    out = np.zeros_like(X)
    if abs(dy) < H and abs(dx) < W:
        out[..., max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = \\
            X[..., max(-dy, 0):H - max(dy, 0), max(-dx, 0):W - max(dx, 0)]
    return out
''', ("argument negated(dy)",)),
    K("shift", "dy shifts the columns and dx the rows", '''
def shift(X, dy, dx):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim < 2:
        raise ValueError("X must have at least 2 dimensions")
    for name, v in (("dy", dy), ("dx", dx)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise ValueError(f"{name} must be an int")
    H, W = X.shape[-2:]
    out = np.zeros_like(X)
    if abs(dx) < H and abs(dy) < W:
        out[..., max(dx, 0):H + min(dx, 0), max(dy, 0):W + min(dy, 0)] = \\
            X[..., max(-dx, 0):H - max(dx, 0), max(-dy, 0):W - max(dy, 0)]
    return out
''', ("axes swapped", "arguments swapped(dy, dx)")),
    # receptive_field
    K("receptive_field", "starts from 0 instead of 1", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list of (k, s, d)")
    r, jump = 0, 1
    for i, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be a triple (k, s, d)")
        k, s, d = (positive_int(v, "layer") for v in layer)
        r += d * (k - 1) * jump
        jump *= s
    return r
''', ("one less",)),
    K("receptive_field", "layers walked from the output back", '''
def receptive_field(layers):
    if not isinstance(layers, (list, tuple)):
        raise ValueError("layers must be a list of (k, s, d)")
    r, jump = 1, 1
    for i, layer in enumerate(reversed(list(layers))):
        if not isinstance(layer, (list, tuple)) or len(layer) != 3:
            raise ValueError(f"layers[{i}] must be a triple (k, s, d)")
        k, s, d = (positive_int(v, "layer") for v in layer)
        r += d * (k - 1) * jump
        jump *= s
    return r
''', ("argument reversed(layers)",)),
    # stacked_vs_single
    K("stacked_vs_single", "(single, stacked) order", '''
def stacked_vs_single(C):
    C = positive_int(C, "C")
    return C * 7 * 7 * C, 3 * (C * 3 * 3 * C)
''', ("reversed", "pair swapped")),
]
