"""MNIST and Fashion-MNIST: 28×28 grayscale images (handwritten digits; clothes), 10 classes,
60,000 for training and 10,000 for testing.

They are read from a folder holding either the four files of the original release, in the IDX
format (each may be gzipped):

    train-images-idx3-ubyte  train-labels-idx1-ubyte  t10k-images-idx3-ubyte  t10k-labels-idx1-ubyte

or one NumPy .npz file (mnist.npz, fashion-mnist.npz) with arrays x_train, y_train, x_test, y_test.
download=True fetches the IDX files into the folder when it has neither.

An IDX file is a tiny header, then the raw numbers:

    2 bytes    zero
    1 byte     the element type: 0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32,
               0x0D float32, 0x0E float64
    1 byte     the number of dimensions, d
    4·d bytes  the size of each dimension, big-endian
    the rest   the elements, big-endian, row-major
"""

import gzip
import hashlib
import math
import os
import urllib.request
import zipfile
import zlib

import numpy as np

from ..creation import from_numpy
from ..io.files import atomic_write
from .dataset import TensorDataset
from .datasets import Splits, train_val_test_split

IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
IDX_FILES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
             "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}

# Where download=True fetches the gzipped IDX files, and their published MD5 checksums.
SOURCES = {
    "mnist": ("https://ossci-datasets.s3.amazonaws.com/mnist/", {
        "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
    }),
    "fashion-mnist": ("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/", {
        "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
    }),
}


def data_home():
    """The folder where datasets are kept: $EMBER_DATA, or ~/.cache/ember."""
    return os.environ.get("EMBER_DATA") or os.path.join(os.path.expanduser("~"), ".cache", "ember")


def read_idx(path):
    """The NumPy array in an IDX file (gzipped or not), after checking its magic number and size."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as e:
            raise ValueError(f"{path}: the gzip data is truncated or corrupt ({e})") from None
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] not in IDX_TYPES:
        raise ValueError(f"{path}: not an IDX file: it starts with {raw[:4].hex() or 'nothing'}, but an IDX "
                         "file starts with 0000, then its element type (08 for unsigned bytes), then its "
                         "number of dimensions")
    ndim = raw[3]
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise ValueError(f"{path}: truncated: {len(raw)} bytes, too few for the sizes of {ndim} dimensions")
    shape = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(IDX_TYPES[raw[2]])
    expected = start + math.prod(shape) * dtype.itemsize
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "corrupt"
        raise ValueError(f"{path}: {problem}: an array of shape {shape} and type {dtype.name} needs "
                         f"{expected} bytes, the file has {len(raw)}")
    return np.frombuffer(raw, dtype, offset=start).reshape(shape).astype(dtype.newbyteorder("="))


def load_arrays(source):
    """{"x_train", "y_train", "x_test", "y_test": NumPy array} from an .npz file, or from a folder
    holding the four IDX files (each may end in .gz)."""
    if os.path.isfile(source):
        arrays = _read_npz(source)
    else:
        paths = {key: _idx_path(source, name) for key, name in IDX_FILES.items()}
        missing = [IDX_FILES[key] for key, path in paths.items() if path is None]
        if missing:
            raise FileNotFoundError(f"{source}: missing IDX files {', '.join(missing)} (each may end in .gz)")
        arrays = {key: read_idx(path) for key, path in paths.items()}
    for split in ("train", "test"):
        x, y = arrays["x_" + split], arrays["y_" + split]
        if x.ndim != 3 or y.ndim != 1 or len(x) != len(y):
            raise ValueError(f"{source}: expected x_{split} of shape (N, height, width) and y_{split} of shape "
                             f"(N,), got {x.shape} and {y.shape}")
    return arrays


def _read_npz(path):
    try:
        npz = np.load(path, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise ValueError(f"{path}: not a readable .npz file ({e})") from None
    if not hasattr(npz, "files"):
        raise ValueError(f"{path}: holds a single array; expected an .npz with x_train, y_train, x_test, y_test")
    with npz:
        missing = sorted(set(IDX_FILES) - set(npz.files))
        if missing:
            raise ValueError(f"{path}: missing arrays {', '.join(missing)}; expected x_train, y_train, x_test, y_test")
        return {key: npz[key] for key in IDX_FILES}


def _idx_path(folder, name):
    """The path of IDX file name in folder, plain or gzipped; None when neither is there."""
    for candidate in (name, name + ".gz"):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


def download(name, folder):
    """Fetch the four gzipped IDX files of "mnist" or "fashion-mnist" into folder, checking their MD5."""
    base, checksums = SOURCES[name]
    os.makedirs(folder, exist_ok=True)
    for file, md5 in checksums.items():
        if _idx_path(folder, file) is not None:
            continue
        target = os.path.join(folder, file + ".gz")
        url = base + file + ".gz"
        digest = hashlib.md5(usedforsecurity=False)
        try:
            with urllib.request.urlopen(url, timeout=60) as response, atomic_write(target) as f:
                for block in iter(lambda: response.read(1 << 20), b""):
                    digest.update(block)
                    f.write(block)
                if digest.hexdigest() != md5:
                    raise ValueError(f"{url}: the download is corrupt (MD5 {digest.hexdigest()}, expected {md5})")
        except OSError as e:
            raise RuntimeError(f"could not download {url} ({e}); if you are offline, put the four files "
                               f"{', '.join(checksums)} (or {name}.npz) into {folder} by hand") from None


def mnist(root=None, val_fraction=0.1, seed=0, download=False):
    """MNIST handwritten digits as Splits(train, val, test) of TensorDatasets.

    root is a folder (default: data_home()/mnist) or an .npz file. The validation split is
    val_fraction of the 60,000 training images, drawn at random with seed; test is the official
    10,000. images: float32 (N, 1, 28, 28) in [0, 1] (flatten(1) for an MLP); labels: int64 (N,), 0..9.
    """
    return _image_splits("mnist", root, val_fraction, seed, download)


def fashion_mnist(root=None, val_fraction=0.1, seed=0, download=False):
    """Fashion-MNIST (Zalando's clothes) as Splits(train, val, test), in the same form as mnist().

    Labels: 0 T-shirt/top, 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker,
    8 bag, 9 ankle boot.
    """
    return _image_splits("fashion-mnist", root, val_fraction, seed, download)


def _image_splits(name, root, val_fraction, seed, may_download):
    """The Splits of an MNIST-style dataset, from an .npz or IDX files (fetched first when allowed)."""
    source = os.fspath(root) if root is not None else os.path.join(data_home(), name)
    if os.path.isdir(source) and os.path.isfile(os.path.join(source, name + ".npz")):
        source = os.path.join(source, name + ".npz")
    elif not os.path.isfile(source) and any(_idx_path(source, f) is None for f in IDX_FILES.values()):
        if not may_download:
            raise FileNotFoundError(
                f"no {name} data in {source}: expected {name}.npz (with x_train, y_train, x_test, y_test) or the "
                f"four IDX files {', '.join(IDX_FILES.values())} (each may end in .gz); "
                "pass download=True to fetch them")
        download(name, source)
    arrays = load_arrays(source)
    train, val, _ = train_val_test_split(_images(arrays["x_train"]), arrays["y_train"], val_fraction, 0.0, seed)
    test = TensorDataset(from_numpy(_images(arrays["x_test"])), from_numpy(arrays["y_test"].astype(np.int64)))
    return Splits(train, val, test)


def _images(pixels):
    """(N, H, W) bytes 0..255 as float32 (N, 1, H, W) in [0, 1]."""
    images = pixels.astype(np.float32)[:, None]
    images /= 255.0
    return images
