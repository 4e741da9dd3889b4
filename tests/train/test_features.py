import sys

import numpy as np
import pytest

import ember
from ember import nn
from ember.models import LeNet
from ember.train.features import conv_layers, feature_maps, plot_feature_maps, plot_filters
from helpers import raises

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def small_cnn():
    ember.manual_seed(0)
    return LeNet(in_shape=(1, 8, 8), num_classes=10)


def test_feature_maps_are_each_conv_layers_output_for_one_image():
    model = small_cnn()
    image = np.random.default_rng(0).uniform(size=(1, 8, 8)).astype(np.float32)
    maps = feature_maps(model, image)
    assert [name for name, _ in maps] == [name for name, _ in conv_layers(model)] == ["features.0", "features.3"]
    assert [m.shape for _, m in maps] == [(6, 8, 8), (16, 4, 4)]
    expected = model.features[0](ember.tensor(image[None])).detach().numpy()[0]
    np.testing.assert_allclose(maps[0][1], expected, rtol=1e-6)
    assert model.training and not model.features[0]._forward_hooks   # mode restored, hooks removed


def test_filters_and_feature_maps_are_saved_as_png(tmp_path):
    pytest.importorskip("matplotlib")
    model = small_cnn()
    filters = plot_filters(model, tmp_path / "filters.png")
    maps = plot_feature_maps(model, ember.rand(1, 8, 8), tmp_path / "maps.png", max_maps=4)
    for path in (filters, maps):
        assert path.read_bytes()[:8] == PNG_SIGNATURE
    rgb = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 3))
    assert plot_filters(rgb, tmp_path / "rgb.png").read_bytes()[:8] == PNG_SIGNATURE
    assert plot_feature_maps(rgb, ember.rand(1, 3, 9, 9), tmp_path / "rgb_maps.png").read_bytes()[:8] == PNG_SIGNATURE


def test_feature_plots_explain_what_is_missing(tmp_path, monkeypatch):
    with raises(ValueError, "plot_filters: Sequential has no Conv2d layer"):
        plot_filters(nn.Sequential(nn.Linear(2, 2)), tmp_path / "x.png")
    with raises(ValueError, "feature_maps: expected one image (C, H, W) or (1, C, H, W), got (2, 1, 8, 8)"):
        feature_maps(small_cnn(), ember.rand(2, 1, 8, 8))
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with raises(ImportError, "plots need matplotlib: pip install matplotlib"):
        plot_filters(small_cnn(), tmp_path / "x.png")
