// Docstrings of Module, Sequential and Identity bound in bind_nn_module.cpp (Google style; the
// examples run as doctests with striate as st, striate.nn as nn).
#pragma once

namespace striate::python::docstrings {

inline constexpr const char* kModule = R"doc(Base class of every layer and model; subclass it for your own.

The bound C++ ``nn::Module``: built-in layers (C++) and Python subclasses nest freely in one
tree. Assigning a :class:`Parameter`, a Module or a buffer (``register_buffer``) as an attribute
registers it, so ``parameters()``, ``state_dict()``, ``train()``/``eval()`` and ``to()`` walk the
whole tree. Calling the module runs ``forward`` (with its hooks).

Args:
    (none): Call ``super().__init__()`` first in a subclass's ``__init__``.

Attributes:
    training (bool): Training mode (True after construction); set by ``train()`` / ``eval()``.

Raises:
    TypeError: An attribute is assigned before ``super().__init__()`` ran, or a plain Tensor is
        assigned to a parameter slot.

Example:
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = nn.Linear(4, 8)
    ...         self.fc2 = nn.Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.fc2(self.fc1(x).relu())
    >>> net = Net()
    >>> net(st.randn(3, 4)).shape
    striate.Size([3, 2])
    >>> [name for name, _ in net.named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
)doc";

inline constexpr const char* kModuleForward = R"doc(Computes the module's output from ``input``.

Built-in layers implement it in C++; a subclass overrides it in Python (it may take and return
anything). Call the module (``module(x)``) rather than ``forward`` so that hooks run.

Raises:
    NotImplementedError: A Module subclass without a forward is called.

Example:
    >>> layer = nn.Linear(2, 3)
    >>> layer.forward(st.randn(4, 2)).shape
    striate.Size([4, 3])
)doc";

inline constexpr const char* kModuleMultAdds = R"doc(Multiply-adds of one forward from an input of shape
``input_shape`` to an output of shape ``output_shape`` (both tuples), or None when not counted;
used by ``striate.summary``. Override it in a subclass to report your layer's cost.

Args:
    input_shape (tuple of int): The input's shape, batch included.
    output_shape (tuple of int): The output's shape, batch included.

Returns:
    int or None: The multiply-adds of the whole batch.

Example:
    >>> nn.Conv2d(1, 6, 5).mult_adds((1, 1, 28, 28), (1, 6, 24, 24))
    86400
    >>> nn.Linear(4, 3).mult_adds((2, 4), (2, 3))
    24
)doc";

inline constexpr const char* kModuleExtraRepr = R"doc(The text between the parentheses of this module's
repr (its constructor arguments); override it in a subclass.

Example:
    >>> nn.Linear(2, 3).extra_repr()
    'in_features=2, out_features=3, bias=True'
)doc";

inline constexpr const char* kModuleTraining =
    R"doc(True in training mode, False in evaluation mode (see ``train()`` and ``eval()``).)doc";

inline constexpr const char* kModuleZeroGrad = R"doc(Resets the gradients of every parameter of the tree:
to None (``set_to_none=True``, the default) or to zeros.

Args:
    set_to_none (bool): Drop the gradients instead of zeroing them. Default: True.

Example:
    >>> layer = nn.Linear(2, 1)
    >>> layer(st.randn(3, 2)).sum().backward()
    >>> layer.zero_grad()
    >>> layer.weight.grad is None
    True
)doc";

inline constexpr const char* kModuleNumParameters = R"doc(The number of scalar parameters of the tree
(each shared parameter counted once).

Example:
    >>> nn.Linear(10, 5).num_parameters()
    55
)doc";

inline constexpr const char* kSequential = R"doc(A chain of modules: ``forward`` runs each child on the
output of the previous one. A Sequential of built-in layers runs its whole forward in C++
(without the GIL) and, in evaluation under ``striate.inference_mode()``, folds
Conv2d -> BatchNorm2d (-> ReLU) chains.

Args:
    *modules (Module): The children, named "0", "1", ...; or a single dict (an OrderedDict)
        mapping names to modules.

Shape:
    - Input: what the first child takes.
    - Output: what the last child returns.

Raises:
    TypeError: An argument is not a Module.
    IndexError: An index is out of range.

Example:
    >>> model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    ...                       nn.Flatten(), nn.Linear(6 * 14 * 14, 10))
    >>> model(st.randn(2, 1, 28, 28)).shape
    striate.Size([2, 10])
    >>> len(model), type(model[1]).__name__
    (5, 'ReLU')
    >>> model[:2](st.randn(2, 1, 28, 28)).shape
    striate.Size([2, 6, 28, 28])
)doc";

inline constexpr const char* kSequentialAppend =
    R"doc(Adds ``module`` at the end (named by its position); returns this Sequential.

Args:
    module (Module): The new last child.

Example:
    >>> model = nn.Sequential(nn.Linear(4, 8))
    >>> model.append(nn.ReLU()) is model, len(model)
    (True, 2)
)doc";

inline constexpr const char* kIdentity = R"doc(Returns its input unchanged; any constructor arguments are
ignored (as torch.nn.Identity). A placeholder, e.g. for a removed classifier head.

Shape:
    - Input: (*), any shape.
    - Output: the input itself.

Example:
    >>> x = st.randn(2, 3)
    >>> nn.Identity(54, unused=True)(x) is x
    True
)doc";

}  // namespace striate::python::docstrings
