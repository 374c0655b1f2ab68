"""Convolution layers (Conv1d, Conv2d, Conv3d, ConvTranspose2d, LocallyConnected2d, bound from
C++) and LeNet-5's C3 connection table for Conv2d's sparse connections.

    c3 = nn.Conv2d(6, 16, 5, connection_table=nn.lenet5_c3_table())
"""

import numpy as np

from ._bound import _nn, public

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose2d", "LocallyConnected2d",
           "LENET5_C3_CONNECTIONS", "lenet5_c3_table"]

Conv1d = _nn.Conv1d
Conv2d = _nn.Conv2d
Conv3d = _nn.Conv3d
ConvTranspose2d = _nn.ConvTranspose2d
LocallyConnected2d = _nn.LocallyConnected2d
public(Conv1d, Conv2d, Conv3d, ConvTranspose2d, LocallyConnected2d)

# LeNet-5 (LeCun et al. 1998, Table I): the S2 maps (inputs 0-5) each C3 map (outputs 0-15) reads.
LENET5_C3_CONNECTIONS = (
    (0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
    (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
    (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)


def lenet5_c3_table():
    """LeNet-5's C3 connection table (LeCun et al. 1998, Table I): which of the 6 S2 maps each of
    the 16 C3 maps reads, as a bool Tensor of shape (out=16, in=6) for Conv2d's
    ``connection_table``.

    Example:
        >>> c3 = nn.Conv2d(6, 16, 5, connection_table=nn.lenet5_c3_table())
        >>> c3(st.randn(1, 6, 14, 14)).shape
        striate.Size([1, 16, 10, 10])
        >>> int(nn.lenet5_c3_table().sum())
        60
    """
    from ... import tensor

    table = np.zeros((16, 6), dtype=bool)
    for out_map, in_maps in enumerate(LENET5_C3_CONNECTIONS):
        table[out_map, list(in_maps)] = True
    return tensor(table)
