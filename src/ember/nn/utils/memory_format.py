"""Memory formats of convolution weights. PyTorch can keep a 4-D tensor channels-last (NHWC) in memory,
which some GPU convolutions prefer; ember has one memory format, so these return the module as it is."""


def convert_conv2d_weight_memory_format(module, memory_format):
    """PyTorch converts the weights of module's 2-D convolutions to memory_format; ember returns module."""
    return module


def convert_conv3d_weight_memory_format(module, memory_format):
    """PyTorch converts the weights of module's 3-D convolutions to memory_format; ember returns module."""
    return module
