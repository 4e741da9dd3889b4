"""The rows of the ops that move, select, copy, split and join elements (gather, scatter, index_*, masked_*,
narrow, split, stack, the *_copy forms, ...) and the special functions left (polygamma, igamma, quantile, ...)."""

from differential import EDGES, FLOATS, INTEGERS, Op, function, functional, method  # noqa: F401 (for the rows)

ROWS = [
]

# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
}

# The differentiable public functions of this family that have no row yet.
STILL_TO_WRITE = """
    alias_copy atleast_1d atleast_2d atleast_3d broadcast_tensors broadcast_to chunk clone column_stack
    cumulative_trapezoid detach_copy dsplit dstack expand expand_copy fill frexp gather gradient hsplit hstack
    igamma igammac index_add index_copy index_fill index_put index_reduce index_select kthvalue masked_fill
    masked_scatter masked_select mode moveaxis movedim msort mvlgamma nanquantile narrow narrow_copy permute
    permute_copy polygamma put quantile ravel repeat_interleave roll rot90 row_stack rsub scatter scatter_add
    scatter_reduce select select_copy select_scatter slice_copy slice_scatter split split_copy split_with_sizes
    split_with_sizes_copy squeeze_copy t_copy take take_along_dim tensor_split tile transpose_copy trapezoid trapz
    unbind unbind_copy unflatten unfold_copy unsafe_chunk unsafe_split unsafe_split_with_sizes unsqueeze_copy
    view_copy vsplit vstack clamp_max clamp_min fliplr flipud swapaxes swapdims"""
