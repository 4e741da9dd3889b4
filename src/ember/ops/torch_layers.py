"""Layer functions as the torch namespace spells them (torch.embedding, torch.batch_norm, torch.instance_norm):
the signatures of PyTorch's kernels, with the weight first or every argument required. Each hands over to the
function of ember.functional, whose argument order programs usually use."""

from . import embedding as embedding_ops, normalization


def embedding(weight, input, padding_idx=-1, scale_grad_by_freq=False, sparse=False):  # noqa: A002
    """Rows of weight (num_embeddings, dim) picked by input (...): (..., dim); padding_idx -1 is none."""
    return embedding_ops.embedding(input, weight, None if padding_idx < 0 else padding_idx,
                                   scale_grad_by_freq=scale_grad_by_freq, sparse=sparse)


def batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,  # noqa: A002
               cudnn_enabled):
    """Batch normalization of input (N, C, *) per channel (cudnn_enabled chooses a PyTorch kernel: ignored)."""
    return normalization.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats, momentum, eps,  # noqa: A002
                  cudnn_enabled):
    """Instance normalization of input (N, C, *) per example and channel (cudnn_enabled ignored, as above)."""
    return normalization.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum,
                                       eps)
