"""Wrong implementations of 06_lenet_alexnet kept out of the diagnosis (see the package docstring).

Models are compared by structure, so the general relations (which compare arrays and numbers) rarely apply:
these entries mostly measure that nothing false is said, about them or about the functions that use them.
"""

from autograder.misconceptions import KeptOut as K

KEPT_OUT = [
    K("lenet5", "tanh activations", '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Tanh(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Tanh(), nn.MaxPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Tanh(),
        nn.Linear(120, 84), nn.Tanh(),
        nn.Linear(84, 10),
    )
''', ()),
    K("layer_shapes", "parameter counts without the biases", '''
def layer_shapes(model, input_shape):
    shape = tuple(input_shape)
    if len(shape) != 3 or not all(isinstance(s, (int, np.integer)) and s > 0 for s in shape):
        raise ValueError("input_shape must be (C, H, W)")
    names = {module: name for name, module in model.named_modules()}
    rows, handles = [], []

    def hook(module, inputs, output):
        weights = getattr(module, "weight", None)
        rows.append((names[module], tuple(output.shape[1:]), 0 if weights is None else weights.numel()))

    for module in model.modules():
        if not list(module.children()):
            handles.append(module.register_forward_hook(hook))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros((1,) + shape))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    return rows
''', ()),
    K("alexnet", "ReLU missing after the third conv", '''
def alexnet(num_classes=1000):
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError("num_classes must be a positive int")
    return nn.Sequential(
        nn.Conv2d(3, 96, kernel_size=11, stride=4), nn.ReLU(),
        nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(),
        nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Dropout(0.5), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(),
        nn.Dropout(0.5), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, int(num_classes)),
    )
''', ()),
    K("make_cnn", "first width for every stage", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):
    for name, v in (("N", N), ("M", M), ("K", K)):
        if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v < 0:
            raise ValueError(f"{name} must be an int >= 0")
    c, h, w = (int(s) for s in in_shape)
    if len(tuple(in_shape)) != 3 or min(c, h, w) < 1 or not isinstance(num_classes, (int, np.integer)) \\
            or num_classes < 1 or h < 2 ** M or w < 2 ** M:
        raise ValueError("bad in_shape or num_classes")
    width = channels if isinstance(channels, (int, np.integer)) else list(channels)[0]
    fcs = [hidden] * K if isinstance(hidden, (int, np.integer)) else list(hidden)
    layers = []
    for _ in range(M):
        for _ in range(N):
            layers += [nn.Conv2d(c, width, kernel_size=3, padding=1), nn.ReLU()]
            c = width
        layers.append(nn.MaxPool2d(2))
        h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    features = c * h * w
    for f in fcs:
        layers += [nn.Linear(features, f), nn.ReLU()]
        features = f
    layers.append(nn.Linear(features, int(num_classes)))
    return nn.Sequential(*layers)
''', ()),
    K("lenet_gap", "average pool to 2x2 before the classifier", '''
def lenet_gap():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.AdaptiveAvgPool2d(2), nn.Flatten(),
        nn.Linear(64, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
''', ()),
]
