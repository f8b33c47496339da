"""Wrong implementations learners write for 06_lenet_alexnet."""

from autograder.misconceptions import Misconception as M

_LENET_TAIL = '''
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    )
'''

_ALEX_HEAD = '''
def alexnet(num_classes=1000):
    if not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError("num_classes must be a positive int")
'''

_MAKE_CNN_CHECKS = '''
    for v in (N, M, K):
        if not isinstance(v, int) or v < 0:
            raise ValueError("N, M, K must be ints >= 0")
    c, h, w = in_shape
    if len(in_shape) != 3 or min(in_shape) < 1 or num_classes < 1:
        raise ValueError("bad in_shape or num_classes")
    if h < 2 ** M or w < 2 ** M:
        raise ValueError("input too small")
    widths = [channels] * M if isinstance(channels, int) else list(channels)
    fcs = [hidden] * K if isinstance(hidden, int) else list(hidden)
    if len(widths) != M or len(fcs) != K:
        raise ValueError("wrong list length")
'''

_TRAIN_EVAL = '''
        model.eval()
        correct = 0
        with torch.no_grad():
            for xb, yb in test_loader:
                correct += (model(xb).argmax(1) == yb).sum().item()
        history["test_acc"].append(correct / len(test_loader.dataset))
        if callback is not None:
            callback(history)
    return history
'''

MISCONCEPTIONS = [
    # ------------------------------------------------------------------ lenet5
    M("lenet5", "no padding on the first conv",
      "your first conv has no padding: a 28x28 digit shrinks to 24x24 and the flatten size becomes 16*4*4 = 256. "
      "LeNet's first conv uses padding 2 (the paper's input was 32x32), which keeps 28x28 and gives 400.", '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 4 * 4, 120), nn.ReLU(),''' + _LENET_TAIL),
    M("lenet5", "sigmoid activations",
      "you use sigmoids (the textbook 1998 version); this notebook's LeNet uses ReLU after every conv and hidden "
      "FC layer.", '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10),
    )
'''),
    M("lenet5", "average pooling",
      "you pool with averages; the modern LeNet uses max pooling (nn.MaxPool2d(2)).", '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),''' + _LENET_TAIL),
    M("lenet5", "ReLU after the last FC layer",
      "a ReLU after the last FC layer clips every negative score to 0: the output must be raw logits.", '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10), nn.ReLU(),
    )
'''),
    M("lenet5", "FC 84 missing",
      "your network goes from FC 120 straight to FC 10: LeNet has three FC layers, 120, 84 and 10 units.", '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 10),
    )
'''),
    M("lenet5", "padding on the second conv too",
      "only the first conv is padded: with padding 2 on the second one the map stays 14x14 and the flatten is "
      "16*7*7 = 784 instead of 400.", '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 7 * 7, 120), nn.ReLU(),''' + _LENET_TAIL),
    M("lenet5", "softmax at the end",
      "the network must return logits: F.cross_entropy applies the softmax itself, a second one slows learning.",
      '''
def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10), nn.Softmax(dim=1),
    )
'''),
    # ------------------------------------------------------------------ layer_shapes
    M("layer_shapes", "batch dimension kept",
      "the output shapes must not include the batch dimension: (4, 14, 14), not (1, 4, 14, 14).", '''
def layer_shapes(model, input_shape):
    if len(tuple(input_shape)) != 3 or min(input_shape) < 1:
        raise ValueError("input_shape must be (C, H, W)")
    names = {m: n for n, m in model.named_modules()}
    rows, handles = [], []
    for m in model.modules():
        if not list(m.children()):
            handles.append(m.register_forward_hook(lambda mod, i, o: rows.append(
                (names[mod], tuple(o.shape), sum(p.numel() for p in mod.parameters())))))
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        for h in handles:
            h.remove()
    return rows
'''),
    M("layer_shapes", "hooks never removed",
      "every call adds hooks and never removes them: the second call reports each layer twice. Keep the handles "
      "register_forward_hook returns and call handle.remove() (in a finally block).", '''
def layer_shapes(model, input_shape):
    if len(tuple(input_shape)) != 3 or min(input_shape) < 1:
        raise ValueError("input_shape must be (C, H, W)")
    names = {m: n for n, m in model.named_modules()}
    rows = []
    for m in model.modules():
        if not list(m.children()):
            m.register_forward_hook(lambda mod, i, o: rows.append(
                (names[mod], tuple(o.shape[1:]), sum(p.numel() for p in mod.parameters()))))
    with torch.no_grad():
        model(torch.zeros(1, *input_shape))
    return rows
'''),
    M("layer_shapes", "only layers with parameters",
      "ReLU, pooling and flatten layers have no parameters but do have outputs: list every leaf module.", '''
def layer_shapes(model, input_shape):
    if len(tuple(input_shape)) != 3 or min(input_shape) < 1:
        raise ValueError("input_shape must be (C, H, W)")
    names = {m: n for n, m in model.named_modules()}
    rows, handles = [], []
    for m in model.modules():
        if not list(m.children()) and list(m.parameters()):
            handles.append(m.register_forward_hook(lambda mod, i, o: rows.append(
                (names[mod], tuple(o.shape[1:]), sum(p.numel() for p in mod.parameters())))))
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        for h in handles:
            h.remove()
    return rows
'''),
    M("layer_shapes", "top-level children only",
      "model.named_children() only sees the top level: a nested nn.Sequential shows up as one row. Hook every "
      "leaf of model.named_modules().", '''
def layer_shapes(model, input_shape):
    if len(tuple(input_shape)) != 3 or min(input_shape) < 1:
        raise ValueError("input_shape must be (C, H, W)")
    rows, handles = [], []
    for name, m in model.named_children():
        handles.append(m.register_forward_hook(lambda mod, i, o, name=name: rows.append(
            (name, tuple(o.shape[1:]), sum(p.numel() for p in mod.parameters())))))
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        for h in handles:
            h.remove()
    return rows
'''),
    M("layer_shapes", "no check of input_shape",
      "input_shape is (C, H, W) without the batch dimension: a 4-entry or 2-entry shape must raise ValueError.",
      '''
def layer_shapes(model, input_shape):
    names = {m: n for n, m in model.named_modules()}
    rows, handles = [], []
    for m in model.modules():
        if not list(m.children()):
            handles.append(m.register_forward_hook(lambda mod, i, o: rows.append(
                (names[mod], tuple(o.shape[1:]), sum(p.numel() for p in mod.parameters())))))
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        for h in handles:
            h.remove()
    return rows
'''),
    M("layer_shapes", "model left in eval mode",
      "you switch the model to eval mode and leave it there: remember model.training and restore it.", '''
def layer_shapes(model, input_shape):
    if len(tuple(input_shape)) != 3 or min(input_shape) < 1:
        raise ValueError("input_shape must be (C, H, W)")
    names = {m: n for n, m in model.named_modules()}
    rows, handles = [], []
    for m in model.modules():
        if not list(m.children()):
            handles.append(m.register_forward_hook(lambda mod, i, o: rows.append(
                (names[mod], tuple(o.shape[1:]), sum(p.numel() for p in mod.parameters())))))
    model.eval()
    try:
        with torch.no_grad():
            p = next(model.parameters(), None)
            model(torch.zeros(1, *input_shape, device=p.device if p is not None else "cpu"))
    finally:
        for h in handles:
            h.remove()
    return rows
'''),
    # ------------------------------------------------------------------ alexnet
    M("alexnet", "padding 2 on the first conv (the 224 habit)",
      "with padding 2 the first conv gives 56x56 on a 227x227 input, not 55x55. Padding 2 is torchvision's fix "
      "for 224x224 inputs; the paper's network on 227x227 has no padding there.", _ALEX_HEAD + '''
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, num_classes))
'''),
    M("alexnet", "torchvision's widths",
      "64, 192, 384, 256, 256 filters is torchvision's variant (61,100,840 parameters); the paper uses 96, 256, "
      "384, 384, 256.", _ALEX_HEAD + '''
    return nn.Sequential(
        nn.Conv2d(3, 64, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(64, 192, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(192, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(),
        nn.Conv2d(256, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, num_classes))
'''),
    M("alexnet", "two-GPU grouped convolutions",
      "groups=2 on conv2, conv4 and conv5 is the two-GPU network (60,965,224 parameters); build the single "
      "tower.", _ALEX_HEAD + '''
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1, groups=2), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1, groups=2), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, num_classes))
'''),
    M("alexnet", "non-overlapping 2x2 pooling",
      "AlexNet uses overlapping max pooling, 3x3 windows with stride 2 (the sizes happen to come out the same "
      "with 2x2, which is why only the layer check notices).", _ALEX_HEAD + '''
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, num_classes))
'''),
    M("alexnet", "no padding on the 3x3 convs",
      "conv3-conv5 need padding 1 to keep 13x13; without it the maps shrink to 7x7 and the flatten is 2,304.",
      _ALEX_HEAD + '''
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3), nn.ReLU(), nn.Conv2d(384, 384, 3), nn.ReLU(),
        nn.Conv2d(384, 256, 3), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(256 * 3 * 3, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, num_classes))
'''),
    M("alexnet", "num_classes ignored",
      "the last FC layer must have num_classes outputs; you always build 1000.", _ALEX_HEAD + '''
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, 1000))
'''),
    M("alexnet", "ReLU after the last FC layer",
      "no ReLU after the last FC layer: the scores are logits and may be negative.", _ALEX_HEAD + '''
    return nn.Sequential(
        nn.Conv2d(3, 96, 11, stride=4), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, padding=1), nn.ReLU(), nn.Conv2d(384, 384, 3, padding=1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2), nn.Flatten(),
        nn.Linear(9216, 4096), nn.ReLU(), nn.Linear(4096, 4096), nn.ReLU(), nn.Linear(4096, num_classes),
        nn.ReLU())
'''),
    # ------------------------------------------------------------------ make_cnn
    M("make_cnn", "POOL after every CONV",
      "the POOL comes once per stage, after all N CONV -> RELU pairs: [[CONV -> RELU]*N -> POOL]*M, not "
      "[CONV -> RELU -> POOL]*(N*M).", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):''' + _MAKE_CNN_CHECKS + '''
    layers = []
    for m in range(M):
        for _ in range(N):
            layers += [nn.Conv2d(c, widths[m], 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            c, h, w = widths[m], h // 2, w // 2
        if N == 0:
            layers.append(nn.MaxPool2d(2))
            h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    f = c * h * w
    for width in fcs:
        layers += [nn.Linear(f, width), nn.ReLU()]
        f = width
    return nn.Sequential(*layers, nn.Linear(f, num_classes))
'''),
    M("make_cnn", "stage not repeated M times",
      "the whole stage [CONV -> RELU]*N -> POOL repeats M times; you build the N convs once and then M pools.", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):''' + _MAKE_CNN_CHECKS + '''
    layers = []
    for _ in range(N if M else 0):
        layers += [nn.Conv2d(c, widths[0], 3, padding=1), nn.ReLU()]
        c = widths[0]
    for m in range(M):
        layers.append(nn.MaxPool2d(2))
        h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    f = c * h * w
    for width in fcs:
        layers += [nn.Linear(f, width), nn.ReLU()]
        f = width
    return nn.Sequential(*layers, nn.Linear(f, num_classes))
'''),
    M("make_cnn", "ReLU after the final FC",
      "the pattern ends with a bare FC: no ReLU after the layer that outputs the class scores.", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):''' + _MAKE_CNN_CHECKS + '''
    layers = []
    for m in range(M):
        for _ in range(N):
            layers += [nn.Conv2d(c, widths[m], 3, padding=1), nn.ReLU()]
            c = widths[m]
        layers.append(nn.MaxPool2d(2))
        h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    f = c * h * w
    for width in fcs + [num_classes]:
        layers += [nn.Linear(f, width), nn.ReLU()]
        f = width
    return nn.Sequential(*layers)
'''),
    M("make_cnn", "final FC missing",
      "after [FC -> RELU]*K comes one more FC with num_classes outputs; you make the last hidden layer the output.",
      '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):''' + _MAKE_CNN_CHECKS + '''
    layers = []
    for m in range(M):
        for _ in range(N):
            layers += [nn.Conv2d(c, widths[m], 3, padding=1), nn.ReLU()]
            c = widths[m]
        layers.append(nn.MaxPool2d(2))
        h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    f = c * h * w
    sizes = fcs[:-1] + [num_classes] if fcs else [num_classes]
    for i, width in enumerate(sizes):
        layers.append(nn.Linear(f, width))
        if i < len(sizes) - 1:
            layers.append(nn.ReLU())
        f = width
    return nn.Sequential(*layers)
'''),
    M("make_cnn", "square flatten size",
      "the flatten size is C * H' * W' with H' and W' computed separately: rectangular inputs are not square.",
      '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):''' + _MAKE_CNN_CHECKS + '''
    layers = []
    for m in range(M):
        for _ in range(N):
            layers += [nn.Conv2d(c, widths[m], 3, padding=1), nn.ReLU()]
            c = widths[m]
        layers.append(nn.MaxPool2d(2))
        h = h // 2
    layers.append(nn.Flatten())
    f = c * h * h
    for width in fcs:
        layers += [nn.Linear(f, width), nn.ReLU()]
        f = width
    return nn.Sequential(*layers, nn.Linear(f, num_classes))
'''),
    M("make_cnn", "convs without padding",
      "the 3x3 convs use padding 1 so that they keep the size; without it every conv removes 2 rows and columns.",
      '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):''' + _MAKE_CNN_CHECKS + '''
    layers = []
    for m in range(M):
        for _ in range(N):
            layers += [nn.Conv2d(c, widths[m], 3), nn.ReLU()]
            c, h, w = widths[m], h - 2, w - 2
        layers.append(nn.MaxPool2d(2))
        h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    f = c * h * w
    for width in fcs:
        layers += [nn.Linear(f, width), nn.ReLU()]
        f = width
    return nn.Sequential(*layers, nn.Linear(f, num_classes))
'''),
    M("make_cnn", "no argument checks",
      "negative N, M or K must raise ValueError (range(-1) silently builds nothing), and so must an input too "
      "small for M poolings.", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):
    c, h, w = in_shape
    widths = [channels] * max(M, 0) if isinstance(channels, int) else list(channels)
    fcs = [hidden] * max(K, 0) if isinstance(hidden, int) else list(hidden)
    layers = []
    for m in range(M):
        for _ in range(N):
            layers += [nn.Conv2d(c, widths[m], 3, padding=1), nn.ReLU()]
            c = widths[m]
        layers.append(nn.MaxPool2d(2))
        h, w = h // 2, w // 2
    layers.append(nn.Flatten())
    f = c * h * w
    for width in fcs:
        layers += [nn.Linear(f, width), nn.ReLU()]
        f = width
    return nn.Sequential(*layers, nn.Linear(f, num_classes))
'''),
    # ------------------------------------------------------------------ train
    M("train", "gradients never zeroed",
      "without optimizer.zero_grad() every backward() adds to the old gradients: zero them before each batch.",
      '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in train_loader:
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        history["train_loss"].append(total / seen)''' + _TRAIN_EVAL),
    M("train", "accuracy measured on the training data",
      "test_acc must be measured on test_loader (held-out images), not on the training batches.", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        history["train_loss"].append(total / seen)
        model.eval()
        correct = 0
        with torch.no_grad():
            for xb, yb in train_loader:
                correct += (model(xb).argmax(1) == yb).sum().item()
        history["test_acc"].append(correct / len(train_loader.dataset))
        if callback is not None:
            callback(history)
    return history
'''),
    M("train", "learning rate ignored",
      "use the lr argument: torch.optim.Adam(model.parameters(), lr=lr).", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        history["train_loss"].append(total / seen)''' + _TRAIN_EVAL),
    M("train", "accuracy in percent",
      "test_acc is a fraction between 0 and 1 (0.97), not a percentage (97.0).", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        history["train_loss"].append(total / seen)
        model.eval()
        correct = 0
        with torch.no_grad():
            for xb, yb in test_loader:
                correct += (model(xb).argmax(1) == yb).sum().item()
        history["test_acc"].append(100.0 * correct / len(test_loader.dataset))
        if callback is not None:
            callback(history)
    return history
'''),
    M("train", "no eval mode for testing",
      "evaluate in eval mode (model.eval()): in train mode dropout keeps dropping units and batch norm uses the "
      "test batch's statistics, so the test accuracy is wrong.", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        history["train_loss"].append(total / seen)
        correct = 0
        with torch.no_grad():
            for xb, yb in test_loader:
                correct += (model(xb).argmax(1) == yb).sum().item()
        history["test_acc"].append(correct / len(test_loader.dataset))
        if callback is not None:
            callback(history)
    return history
'''),
    M("train", "loss tensors stored",
      "store Python floats with loss.item(): summing the loss tensors keeps every batch's graph alive.", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            total = total + loss * len(yb)
            seen += len(yb)
        history["train_loss"].append(total / seen)''' + _TRAIN_EVAL),
    M("train", "history per batch",
      "one entry per epoch: append the epoch's mean loss, not every batch's loss.", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            optimizer.step()
            history["train_loss"].append(loss.item())''' + _TRAIN_EVAL),
    M("train", "softmax before cross-entropy",
      "F.cross_entropy takes logits and applies log-softmax itself; a softmax before it squashes the gradients.",
      '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    for _ in range(epochs):
        model.train()
        total, seen = 0.0, 0
        for xb, yb in train_loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(F.softmax(model(xb), dim=1), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        history["train_loss"].append(total / seen)''' + _TRAIN_EVAL),
    # ------------------------------------------------------------------ lenet_gap
    M("lenet_gap", "global max pooling",
      "global *average* pooling: nn.AdaptiveAvgPool2d(1), not a max.", '''
def lenet_gap():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(16, 120), nn.ReLU(),''' + _LENET_TAIL),
    M("lenet_gap", "fixed 5x5 average pool",
      "nn.AvgPool2d(5) only averages the whole map for 28x28 inputs; nn.AdaptiveAvgPool2d(1) does it for any "
      "size.", '''
def lenet_gap():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.AvgPool2d(5), nn.Flatten(), nn.Linear(16, 120), nn.ReLU(),''' + _LENET_TAIL),
    M("lenet_gap", "FC layers dropped",
      "only the flatten is replaced: keep LeNet's FC 120 and FC 84 after the global average pool.", '''
def lenet_gap():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10),
    )
'''),
    M("lenet_gap", "GAP after the first stage",
      "the global average comes after the second conv stage (16 channels), in place of the flatten.", '''
def lenet_gap():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 120), nn.ReLU(),''' + _LENET_TAIL),
    M("lenet_gap", "ReLU after the last layer",
      "no ReLU after the last FC layer: return logits.", '''
def lenet_gap():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10), nn.ReLU(),
    )
'''),
]
