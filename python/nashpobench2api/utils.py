"""Edge helpers of the authors' API: the op digit of edge i (0..5) of a cellcode 'A|BC|DEF'."""


def _position(i):
    # Edges A B C D E F sit at string positions 0, 2, 3, 5, 6, 7; other i are used as given
    # (a negative i counts from the end), as in the authors' helpers.
    if i < 1:
        return i
    if i < 3:
        return i + 1
    return i + 2


def get_ith_op(cellcode, i):
    """The op (int) of edge i of the cellcode."""
    return int(cellcode[_position(i)])


def set_ith_op(cellcode, i, new_op):
    """A new cellcode with edge i set to new_op."""
    chars = list(cellcode)
    chars[_position(i)] = str(new_op)
    return "".join(chars)
