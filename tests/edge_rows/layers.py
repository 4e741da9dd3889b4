"""The rows of the layers' functions that are not convolutions (linear, bilinear, embedding, the norms,
dropout, attention, prelu and rrelu) and of the losses and distances."""

from differential import EDGES, FLOATS, INTEGERS, Op, function, functional, method  # noqa: F401 (for the rows)

ROWS = [
]

# The deliberate differences, each row's by its name (see DIFFERENCES in tests/test_differential.py).
DIFFERENCES = {
}

# The differentiable public functions of this family that have no row yet.
STILL_TO_WRITE = """
    F.binary_cross_entropy F.binary_cross_entropy_with_logits F.cosine_embedding_loss F.cross_entropy F.ctc_loss
    F.gaussian_nll_loss F.hinge_embedding_loss F.kl_div F.linear_cross_entropy F.margin_ranking_loss
    F.multi_margin_loss F.multilabel_margin_loss F.multilabel_soft_margin_loss F.nll_loss F.pairwise_distance
    F.pdist F.poisson_nll_loss F.soft_margin_loss F.triplet_margin_loss F.triplet_margin_with_distance_loss
    binary_cross_entropy_with_logits cdist cosine_embedding_loss ctc_loss hinge_embedding_loss kl_div
    margin_ranking_loss pairwise_distance pdist poisson_nll_loss triplet_margin_loss F.alpha_dropout F.batch_norm
    F.bilinear F.dropout F.dropout1d F.dropout2d F.dropout3d F.embedding F.embedding_bag F.feature_alpha_dropout
    F.group_norm F.gumbel_softmax F.instance_norm F.layer_norm F.linear F.local_response_norm F.prelu F.rms_norm
    F.rrelu F.scaled_dot_product_attention alpha_dropout batch_norm bilinear dropout embedding feature_alpha_dropout
    feature_dropout group_norm instance_norm layer_norm prelu renorm rms_norm rrelu"""
