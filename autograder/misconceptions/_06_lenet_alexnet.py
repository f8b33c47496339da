"""Wrong implementations learners write for 06_lenet_alexnet."""

from autograder.misconceptions import Alternative as A
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

# ---------------------------------------------------------------------------------------------- alternatives
ALTERNATIVES = [
    # ------------------------------------------------------------------ lenet5
    A("lenet5", "OrderedDict with named layers, Flatten(1)", '''
def lenet5():
    from collections import OrderedDict

    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(in_channels=1, out_channels=6, kernel_size=(5, 5), stride=1, padding=(2, 2))),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(kernel_size=2)),
        ("conv2", nn.Conv2d(in_channels=6, out_channels=16, kernel_size=(5, 5))),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(kernel_size=2)),
        ("flatten", nn.Flatten(1)),
        ("fc1", nn.Linear(400, 120)),
        ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 84)),
        ("relu4", nn.ReLU()),
        ("fc3", nn.Linear(84, 10)),
    ]))
'''),
    A("lenet5", "features + classifier, in-place ReLU, flatten size from a dummy pass", '''
def lenet5():
    features = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2, stride=2),
        nn.Conv2d(6, 16, 5), nn.ReLU(inplace=True), nn.MaxPool2d(2, stride=2),
    )
    with torch.no_grad():
        n_flat = features(torch.zeros(1, 1, 28, 28)).numel()
    classifier = nn.Sequential(
        nn.Flatten(),
        nn.Linear(n_flat, 120), nn.ReLU(inplace=True),
        nn.Linear(120, 84), nn.ReLU(inplace=True),
        nn.Linear(84, 10),
    )
    return nn.Sequential(features, classifier)
'''),
    A("lenet5", "layer list built in loops", '''
def lenet5():
    layers = []
    side = 28
    for c_in, c_out, pad in [(1, 6, 2), (6, 16, 0)]:
        layers += [nn.Conv2d(c_in, c_out, 5, padding=pad), nn.ReLU(), nn.MaxPool2d(2)]
        side = (side + 2 * pad - 5 + 1) // 2
    layers.append(nn.Flatten(start_dim=1))
    widths = [16 * side * side, 120, 84]
    for n_in, n_out in zip(widths, widths[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.append(nn.Linear(widths[-1], 10))
    return nn.Sequential(*layers)
'''),
    # ------------------------------------------------------------------ layer_shapes
    A("layer_shapes", "per-name hook closures in an ExitStack, per-module modes restored", '''
def layer_shapes(model, input_shape):
    import contextlib

    try:
        c, h, w = input_shape
    except (TypeError, ValueError):
        raise ValueError(f"input_shape must be (C, H, W), got {input_shape!r}") from None
    for s in (c, h, w):
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
            raise ValueError(f"input_shape must hold three positive ints, got {input_shape!r}")
    rows = []

    def recorder(name):
        def hook(module, args, out):
            rows.append((name, tuple(out.shape)[1:], sum(p.numel() for p in module.parameters())))
        return hook

    modes = {m: m.training for m in model.modules()}
    params = list(model.parameters())
    device = params[0].device if params else "cpu"
    try:
        with contextlib.ExitStack() as stack:
            for name, module in model.named_modules():
                if next(module.children(), None) is None:
                    stack.callback(module.register_forward_hook(recorder(name)).remove)
            model.eval()
            with torch.no_grad():
                model(torch.zeros(1, int(c), int(h), int(w), device=device))
    finally:
        for m, mode in modes.items():
            m.training = mode
    return [(n, tuple(int(v) for v in s), k) for n, s, k in rows]
'''),
    A("layer_shapes", "global module forward hook filtered to the model's leaves", '''
def layer_shapes(model, input_shape):
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape needs 3 entries (C, H, W), got {len(shape)}")
    if any(not isinstance(s, (int, np.integer)) or s <= 0 for s in shape):
        raise ValueError(f"input_shape entries must be positive ints, got {shape}")
    leaves = {m: n for n, m in model.named_modules() if len(list(m.children())) == 0}
    rows = []

    def hook(module, inputs, output):
        if module in leaves:
            rows.append((leaves[module], tuple(int(d) for d in output.shape[1:]),
                         sum(p.numel() for p in module.parameters())))

    device = next((p.device for p in model.parameters()), torch.device("cpu"))
    training = model.training
    handle = torch.nn.modules.module.register_module_forward_hook(hook)
    try:
        model.train(False)
        with torch.inference_mode():
            model(torch.zeros(1, *shape, device=device))
    finally:
        handle.remove()
        model.train(training)
    return rows
'''),
    A("layer_shapes", "hooks record (module, shape), rows built afterwards", '''
def layer_shapes(model, input_shape):
    if not (len(input_shape) == 3 and all(isinstance(s, (int, np.integer)) and s > 0 for s in input_shape)):
        raise ValueError(f"input_shape must be three positive ints (C, H, W), got {input_shape!r}")
    seen = []
    handles = [m.register_forward_hook(lambda mod, inp, out: seen.append((mod, out.shape[1:])))
               for m in model.modules() if not list(m.children())]
    first = next(iter(model.parameters()), None)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            x = torch.zeros(1, *[int(s) for s in input_shape],
                            device=first.device if first is not None else None)
            model(x)
    finally:
        while handles:
            handles.pop().remove()
        model.train(was_training)
    names = dict((m, n) for n, m in model.named_modules())
    return [(names[m], tuple(map(int, s)), sum(p.numel() for p in m.parameters(recurse=False)))
            for m, s in seen]
'''),
    # ------------------------------------------------------------------ alexnet
    A("alexnet", "features / classifier in an OrderedDict, in-place ReLU, dropout", '''
def alexnet(num_classes=1000):
    from collections import OrderedDict

    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes <= 0:
        raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
    features = nn.Sequential(
        nn.Conv2d(3, 96, kernel_size=11, stride=4, padding=0), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
        nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
        nn.MaxPool2d(kernel_size=3, stride=2),
    )
    classifier = nn.Sequential(
        nn.Dropout(p=0.5), nn.Linear(9216, 4096), nn.ReLU(inplace=True),
        nn.Dropout(p=0.5), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
        nn.Linear(4096, num_classes),
    )
    return nn.Sequential(OrderedDict(features=features, flatten=nn.Flatten(), classifier=classifier))
'''),
    A("alexnet", "conv table in a loop, flatten size by the formula", '''
def alexnet(num_classes=1000):
    if type(num_classes) is not int or num_classes < 1:
        raise ValueError(f"alexnet: num_classes must be a positive int, got {num_classes!r}")
    # (out_channels, kernel, stride, padding, pool after it)
    spec = [(96, 11, 4, 0, True), (256, 5, 1, 2, True), (384, 3, 1, 1, False), (384, 3, 1, 1, False),
            (256, 3, 1, 1, True)]
    layers, c_in, side = [], 3, 227
    for c_out, k, s, p, pool in spec:
        layers += [nn.Conv2d(c_in, c_out, k, stride=s, padding=p), nn.ReLU()]
        c_in, side = c_out, (side + 2 * p - k) // s + 1
        if pool:
            layers.append(nn.MaxPool2d(3, 2))
            side = (side - 3) // 2 + 1
    layers.append(nn.Flatten(1))
    sizes = [c_in * side * side, 4096, 4096]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    layers.append(nn.Linear(sizes[-1], num_classes))
    return nn.Sequential(*layers)
'''),
    A("alexnet", "LRN after the first two ReLUs, flatten size from a dummy pass", '''
def alexnet(num_classes=1000):
    import numbers

    if isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive integer, got {num_classes!r}")
    convs = nn.Sequential(
        nn.Conv2d(3, 96, 11, 4), nn.ReLU(), nn.LocalResponseNorm(5, 5e-4, 0.75, 2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(96, 256, 5, 1, 2), nn.ReLU(), nn.LocalResponseNorm(5, 5e-4, 0.75, 2.0), nn.MaxPool2d(3, 2),
        nn.Conv2d(256, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 384, 3, 1, 1), nn.ReLU(),
        nn.Conv2d(384, 256, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(3, 2),
    )
    with torch.no_grad():
        flat = convs(torch.zeros(1, 3, 227, 227)).shape[1:].numel()
    return nn.Sequential(
        *convs, nn.Flatten(),
        nn.Dropout(), nn.Linear(flat, 4096), nn.ReLU(),
        nn.Dropout(), nn.Linear(4096, 4096), nn.ReLU(),
        nn.Linear(4096, int(num_classes)),
    )
'''),
    # ------------------------------------------------------------------ make_cnn
    A("make_cnn", "flatten size from a dummy forward pass", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):
    for name, v in (("N", N), ("M", M), ("K", K)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError(f"{name} must be a non-negative int, got {v!r}")
    if len(in_shape) != 3 or any(not isinstance(s, (int, np.integer)) or s < 1 for s in in_shape):
        raise ValueError(f"in_shape must be (C, H, W) with positive ints, got {in_shape!r}")
    if not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be >= 1, got {num_classes!r}")
    C, H, W = (int(s) for s in in_shape)
    if min(H, W) < 2 ** M:
        raise ValueError(f"{H}x{W} is too small for {M} poolings")
    widths = [channels] * M if isinstance(channels, (int, np.integer)) else list(channels)
    fcs = [hidden] * K if isinstance(hidden, (int, np.integer)) else list(hidden)
    if len(widths) != M or len(fcs) != K:
        raise ValueError(f"channels needs {M} entries and hidden {K}, got {channels!r} and {hidden!r}")
    if any(int(v) < 1 for v in widths + fcs):
        raise ValueError("every width must be at least 1")
    layers, c = [], C
    for width in widths:
        for _ in range(N):
            layers += [nn.Conv2d(c, int(width), 3, 1, 1), nn.ReLU()]
            c = int(width)
        layers.append(nn.MaxPool2d(2))
    layers.append(nn.Flatten())
    with torch.no_grad():
        features = nn.Sequential(*layers)(torch.zeros(1, C, H, W)).shape[1]
    for width in fcs:
        layers += [nn.Linear(features, int(width)), nn.ReLU()]
        features = int(width)
    layers.append(nn.Linear(features, int(num_classes)))
    return nn.Sequential(*layers)
'''),
    A("make_cnn", "add_module with names, flatten size by bit shifts", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):
    import numbers

    def count(v, name):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
            raise ValueError(f"{name} = {v!r}: expected an int >= 0")
        return int(v)

    N, M, K = count(N, "N"), count(M, "M"), count(K, "K")
    try:
        C, H, W = (count(s, "in_shape entry") for s in in_shape)
    except (TypeError, ValueError):
        raise ValueError(f"in_shape must be three positive ints, got {in_shape!r}") from None
    if min(C, H, W) == 0:
        raise ValueError(f"in_shape must be three positive ints, got {in_shape!r}")
    if count(num_classes, "num_classes") == 0:
        raise ValueError("num_classes must be at least 1")
    if (H >> M) == 0 or (W >> M) == 0:
        raise ValueError(f"input {H}x{W} too small for {M} halvings")
    widths = list(channels) if isinstance(channels, (list, tuple)) else [channels] * M
    fcs = list(hidden) if isinstance(hidden, (list, tuple)) else [hidden] * K
    if len(widths) != M or len(fcs) != K or any(count(v, "width") == 0 for v in widths + fcs):
        raise ValueError(f"channels must give {M} widths and hidden {K}, all >= 1")
    net = nn.Sequential()
    c = C
    for m, width in enumerate(widths, start=1):
        for n in range(1, N + 1):
            net.add_module(f"conv{m}_{n}", nn.Conv2d(c, width, kernel_size=3, padding=1))
            net.add_module(f"relu{m}_{n}", nn.ReLU())
            c = width
        net.add_module(f"pool{m}", nn.MaxPool2d(2))
    net.add_module("flatten", nn.Flatten())
    f = c * (H >> M) * (W >> M)
    for k, width in enumerate(fcs, start=1):
        net.add_module(f"fc{k}", nn.Linear(f, width))
        net.add_module(f"fc_relu{k}", nn.ReLU())
        f = width
    net.add_module("out", nn.Linear(f, num_classes))
    return net
'''),
    A("make_cnn", "one nested nn.Sequential per stage, shapes tracked per stage", '''
def make_cnn(in_shape, num_classes, N, M, K, channels, hidden):
    def as_list(value, n, what):
        vals = [value] * n if np.isscalar(value) else [v for v in value]
        if len(vals) != n or not all(isinstance(v, (int, np.integer)) and v > 0 for v in vals):
            raise ValueError(f"{what}: need {n} positive ints, got {value!r}")
        return vals

    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v >= 0 for v in (N, M, K)):
        raise ValueError(f"N, M, K must be non-negative ints, got {(N, M, K)}")
    if len(tuple(in_shape)) != 3:
        raise ValueError(f"in_shape must be (C, H, W), got {in_shape!r}")
    c, h, w = as_list(list(in_shape), 3, "in_shape")
    if not isinstance(num_classes, (int, np.integer)) or num_classes < 1:
        raise ValueError(f"num_classes must be a positive int, got {num_classes!r}")
    if h < 2 ** M or w < 2 ** M:
        raise ValueError(f"need at least {2 ** M}x{2 ** M} pixels for {M} poolings, got {h}x{w}")
    widths, fcs = as_list(channels, M, "channels"), as_list(hidden, K, "hidden")
    stages = []
    for width in widths:
        block = []
        for _ in range(N):
            block += [nn.Conv2d(c, width, 3, padding=1), nn.ReLU()]
            c = width
        stages.append(nn.Sequential(*block, nn.MaxPool2d(2)))
        h, w = h // 2, w // 2
    head, f = [], c * h * w
    for width in fcs:
        head += [nn.Linear(f, width), nn.ReLU()]
        f = width
    head.append(nn.Linear(f, num_classes))
    return nn.Sequential(*stages, nn.Flatten(), nn.Sequential(*head))
'''),
    # ------------------------------------------------------------------ train
    A("train", "nn.CrossEntropyLoss, zero_grad after the step, len(dataset) for the accuracy", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    criterion = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = {"train_loss": [], "test_acc": []}
    opt.zero_grad()
    for epoch in range(epochs):
        model.train()
        loss_sum, n_seen = 0.0, 0
        for images, labels in train_loader:
            loss = criterion(model(images), labels)
            loss.backward()
            opt.step()
            opt.zero_grad()
            loss_sum += loss.item() * labels.shape[0]
            n_seen += labels.shape[0]
        history["train_loss"].append(loss_sum / n_seen)
        model.eval()
        hits = 0
        with torch.no_grad():
            for images, labels in test_loader:
                hits += int((model(images).argmax(1) == labels).sum())
        history["test_acc"].append(hits / len(test_loader.dataset))
        if callable(callback):
            callback(history)
    return history
'''),
    A("train", "model.zero_grad, per-batch lists averaged with weights, predictions concatenated", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses, accuracies = [], []
    history = {"train_loss": losses, "test_acc": accuracies}
    for _ in range(epochs):
        model.train(True)
        batch_losses, batch_sizes = [], []
        for x, y in train_loader:
            model.zero_grad(set_to_none=True)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
            batch_sizes.append(len(y))
        losses.append(float(np.average(batch_losses, weights=batch_sizes)))
        model.train(False)
        with torch.inference_mode():
            pairs = [(model(x).argmax(dim=1), y) for x, y in test_loader]
            predicted = torch.cat([p for p, _ in pairs])
            truth = torch.cat([y for _, y in pairs])
        accuracies.append((predicted == truth).sum().item() / truth.numel())
        if callback is not None:
            callback(history)
    return history
'''),
    A("train", "helper functions per epoch, zero_grad(set_to_none=False), eval under set_grad_enabled", '''
def train(model, train_loader, test_loader, epochs, lr, callback=None):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)

    def one_epoch():
        model.train()
        total = 0.0
        count = 0
        for xb, yb in train_loader:
            optimizer.zero_grad(set_to_none=False)
            out = model(xb)
            loss = F.cross_entropy(out, yb, reduction="mean")
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * xb.size(0)
            count += xb.size(0)
        return total / count

    def accuracy():
        model.eval()
        correct = total = 0
        with torch.set_grad_enabled(False):
            for xb, yb in test_loader:
                correct += torch.eq(model(xb).argmax(-1), yb).sum().item()
                total += yb.size(0)
        return correct / total

    history = dict(train_loss=[], test_acc=[])
    epoch = 0
    while epoch < epochs:
        history["train_loss"].append(one_epoch())
        history["test_acc"].append(accuracy())
        epoch += 1
        if callback is not None:
            callback(history)
    return history
'''),
    # ------------------------------------------------------------------ lenet_gap
    A("lenet_gap", "OrderedDict names, AdaptiveAvgPool2d((1, 1)), Flatten(1)", '''
def lenet_gap():
    from collections import OrderedDict

    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 6, 5, padding=2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(6, 16, 5)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("gap", nn.AdaptiveAvgPool2d((1, 1))), ("flatten", nn.Flatten(1)),
        ("fc1", nn.Linear(16, 120)), ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 84)), ("relu4", nn.ReLU()),
        ("fc3", nn.Linear(84, 10)),
    ]))
'''),
    A("lenet_gap", "nested features / gap / classifier, in-place ReLU", '''
def lenet_gap():
    features = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
        nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(inplace=True), nn.MaxPool2d(2, 2),
    )
    gap = nn.Sequential(nn.AdaptiveAvgPool2d(output_size=1), nn.Flatten())
    classifier = nn.Sequential(
        nn.Linear(16, 120), nn.ReLU(inplace=True),
        nn.Linear(120, 84), nn.ReLU(inplace=True),
        nn.Linear(84, 10),
    )
    return nn.Sequential(features, gap, classifier)
'''),
    A("lenet_gap", "layers of lenet5() with the flatten and first FC swapped", '''
def lenet_gap():
    layers = [m for m in lenet5().modules() if not list(m.children())]
    out = []
    replaced = False
    for layer in layers:
        if isinstance(layer, nn.Flatten):
            out += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        elif isinstance(layer, nn.Linear) and not replaced:
            out.append(nn.Linear(16, layer.out_features))
            replaced = True
        else:
            out.append(layer)
    return nn.Sequential(*out)
'''),
]
