import gzip
import hashlib
import io
import pathlib
import urllib.error
import urllib.request

import numpy as np
import pytest

import ember
from ember.data import fashion_mnist, load_arrays, mnist, read_idx
from ember.data import vision
from helpers import raises

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[2].parent / "shared" / "data" / "mnist" / "mnist.npz"
IDX_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}
NAMES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
         "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


def idx_bytes(array):
    """array in the IDX format, written here from the format's description."""
    header = bytes([0, 0, IDX_CODES[array.dtype.type], array.ndim])
    header += b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def small_mnist(seed=0, n_train=12, n_test=4):
    rng = np.random.default_rng(seed)
    return {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            "y_test": rng.integers(0, 10, n_test, dtype=np.uint8)}


def write_idx_folder(folder, arrays, gzipped=()):
    folder.mkdir(exist_ok=True)
    for key, array in arrays.items():
        data = idx_bytes(array)
        if key in gzipped:
            (folder / (NAMES[key] + ".gz")).write_bytes(gzip.compress(data))
        else:
            (folder / NAMES[key]).write_bytes(data)
    return folder


@pytest.mark.parametrize("dtype", list(IDX_CODES))
@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_read_idx_round_trips_every_type(tmp_path, dtype, gzipped):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    data = idx_bytes(array)
    path = tmp_path / "a.idx"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    out = read_idx(path)
    assert out.dtype == dtype and out.dtype.isnative
    np.testing.assert_array_equal(out, array)
    out[0, 0, 0] = 1  # writable


CORRUPT = {
    "bad magic": (b"\x12\x34\x08\x01" + bytes(8), "not an IDX file: it starts with 12340801"),
    "unknown type": (b"\x00\x00\x07\x01" + bytes(8), "not an IDX file"),
    "empty": (b"", "not an IDX file: it starts with nothing"),
    "header cut short": (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated: 8 bytes, too few for the sizes of 3 "
                                                             "dimensions"),
    "data cut short": (idx_bytes(np.zeros((3, 4), np.uint8))[:-5], "truncated: an array of shape (3, 4) and type "
                                                                   "uint8 needs 24 bytes, the file has 19"),
    "extra bytes": (idx_bytes(np.zeros(3, np.int16)) + b"!", "corrupt: an array of shape (3,) and type int16 needs "
                                                            "14 bytes, the file has 15"),
    "gzip cut short": (gzip.compress(idx_bytes(np.arange(100, dtype=np.uint8)))[:-12],
                       "the gzip data is truncated or corrupt"),
}


@pytest.mark.parametrize("case", CORRUPT)
def test_read_idx_refuses_corrupt_and_truncated_files(tmp_path, case):
    data, message = CORRUPT[case]
    path = tmp_path / "bad-idx3-ubyte"
    path.write_bytes(data)
    with raises(ValueError, f"{path}: {message}"):
        read_idx(path)


def test_mnist_from_a_folder_of_idx_files(tmp_path):
    arrays = small_mnist()
    folder = write_idx_folder(tmp_path / "mnist", arrays, gzipped=("x_train", "y_test"))
    loaded = load_arrays(folder)
    for key in arrays:
        np.testing.assert_array_equal(loaded[key], arrays[key])
    train, val, test = mnist(folder, val_fraction=0.25)
    assert (len(train), len(val), len(test)) == (9, 3, 4)
    x, y = test.tensors
    assert x.shape == (4, 1, 28, 28) and x.dtype == ember.float32 and y.dtype == ember.int64
    np.testing.assert_allclose(x.numpy()[:, 0], arrays["x_test"] / 255.0, rtol=1e-6)
    assert y.tolist() == arrays["y_test"].tolist()
    pixels = np.concatenate([train.tensors[0].numpy(), val.tensors[0].numpy()])
    assert sorted(pixels.sum(axis=(1, 2, 3)).tolist()) == pytest.approx(
        sorted((arrays["x_train"] / 255.0).sum(axis=(1, 2)).tolist()), rel=1e-5)


def test_fashion_mnist_from_an_npz_file_and_folder(tmp_path):
    arrays = small_mnist(seed=1)
    np.savez(tmp_path / "fashion-mnist.npz", **arrays)
    for root in (tmp_path, tmp_path / "fashion-mnist.npz"):
        splits = fashion_mnist(root, val_fraction=0)
        assert [len(s) for s in splits] == [12, 0, 4]
        assert splits.test.tensors[1].tolist() == arrays["y_test"].tolist()


def test_mnist_errors(tmp_path):
    with raises(FileNotFoundError, f"no mnist data in {tmp_path}: expected mnist.npz"):
        mnist(tmp_path)
    with raises(FileNotFoundError, "pass download=True to fetch them"):
        mnist(tmp_path)
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with raises(ValueError, "partial.npz: missing arrays x_test, y_test, y_train"):
        mnist(tmp_path / "partial.npz")
    (tmp_path / "junk.npz").write_bytes(b"junk")
    with raises(ValueError, "junk.npz: not a readable .npz file"):
        mnist(tmp_path / "junk.npz")
    arrays = small_mnist()
    arrays["y_test"] = arrays["y_test"][:3]
    np.savez(tmp_path / "mismatch.npz", **arrays)
    with raises(ValueError, "expected x_test of shape (N, height, width) and y_test of shape (N,), got (4, 28, 28) "
                            "and (3,)"):
        mnist(tmp_path / "mismatch.npz")


def fake_server(monkeypatch, files):
    """Serve files {name: bytes} in place of the internet, and make their MD5s the expected ones."""
    base, _ = vision.SOURCES["mnist"]
    monkeypatch.setitem(vision.SOURCES, "mnist",
                        (base, {name: hashlib.md5(data).hexdigest() for name, data in files.items()}))

    def urlopen(url, timeout):
        return io.BytesIO(files[url.removeprefix(base).removesuffix(".gz")])
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)


def test_download_fetches_checks_and_keeps_the_files(tmp_path, monkeypatch):
    arrays = small_mnist()
    fake_server(monkeypatch, {NAMES[key]: gzip.compress(idx_bytes(a)) for key, a in arrays.items()})
    splits = mnist(tmp_path / "cache", val_fraction=0, download=True)
    assert splits.test.tensors[1].tolist() == arrays["y_test"].tolist()
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(n + ".gz" for n in NAMES.values())


def test_download_refuses_a_corrupt_file_and_leaves_nothing(tmp_path, monkeypatch):
    arrays = small_mnist()
    fake_server(monkeypatch, {NAMES[key]: gzip.compress(idx_bytes(a)) for key, a in arrays.items()})
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(b"not what was published"))
    with raises(ValueError, "the download is corrupt (MD5 "):
        mnist(tmp_path, download=True)
    assert list(tmp_path.iterdir()) == []


def test_download_offline_gives_a_clear_error(tmp_path, monkeypatch):
    def offline(url, timeout):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with raises(RuntimeError, "could not download https://"):
        mnist(tmp_path, download=True)
    with raises(RuntimeError, f"if you are offline, put the four files train-images-idx3-ubyte, "
                              f"train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (or "
                              f"mnist.npz) into {tmp_path} by hand"):
        mnist(tmp_path, download=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not SHARED_MNIST.is_file(), reason=f"no {SHARED_MNIST}")
def test_the_real_mnist_npz():
    train, val, test = mnist(SHARED_MNIST, val_fraction=0)
    x, y = train.tensors
    assert x.shape == (60000, 1, 28, 28) and x.dtype == ember.float32 and y.dtype == ember.int64
    assert np.bincount(y.numpy()).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert float(x.numpy().mean()) == pytest.approx(0.1306605, abs=1e-6)
    assert test.tensors[1].tolist()[:10] == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert [len(s) for s in mnist(SHARED_MNIST)] == [54000, 6000, 10000]
