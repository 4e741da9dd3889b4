"""The API ledger (tests/api_coverage.py, ember/omissions.py): every public name of PyTorch 2.13's core
namespaces is implemented in ember or listed in ember.omissions with a reason, and the README's coverage
table is the ledger's.

`pytest tests/test_api_coverage.py -q` shows the missing names per namespace;
`python -m tests.api_coverage --missing torch.nn` prints them; `python -m tests.api_coverage --readme`
rewrites the README table.
"""

import fnmatch

import pytest

import api_coverage
import ember
from ember import omissions
from helpers import raises

NAMESPACES = list(api_coverage.NAMESPACES)

# Issue 12 is under way: the engineers of these namespaces have not landed yet. Each mark is strict, so it
# fails the moment its namespace is complete, and is then taken away; the list must be empty when the
# issue is called done.
INCOMPLETE = {"torch", "torch.nn", "torch.nn.functional"}
BELOW_TARGET = {"torch.nn", "torch.nn.functional"}


def while_in_progress(params, namespaces):
    """params (namespaces, or (namespace, ...) tuples), those of namespaces marked as expected (strictly) to
    fail for now."""
    mark = pytest.mark.xfail(strict=True, reason="issue 12: its names are being added")
    return [pytest.param(*p, marks=mark) if isinstance(p, tuple) and p[0] in namespaces else
            pytest.param(p, marks=mark) if p in namespaces else p for p in params]


@pytest.mark.parametrize("namespace", while_in_progress(NAMESPACES, INCOMPLETE))
def test_every_name_is_implemented_or_in_the_ledger(namespace):
    missing = api_coverage.ledger(namespace)["missing"]
    assert not missing, "\n" + api_coverage.format_missing(namespace, missing) + \
        "\n(implement them, or list them in src/ember/omissions.py with a reason)"


@pytest.mark.parametrize("namespace, target", while_in_progress(api_coverage.TARGETS.items(), BELOW_TARGET))
def test_the_issues_coverage_targets(namespace, target):
    share = api_coverage.share(api_coverage.ledger(namespace))
    assert share >= target, f"{namespace}: {100 * share:.0f}% of the in-scope names implemented, target {100 * target:.0f}%"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_the_ledger_lists_only_torch_names_that_ember_lacks(namespace):
    names = api_coverage.torch_names(namespace)
    implemented = set(api_coverage.ledger(namespace)["implemented"])
    omitted = omissions.OMITTED.get(namespace, {})
    assert sorted(set(omitted) - set(names)) == [], "omitted names that torch does not have"
    assert sorted(set(omitted) & implemented) == [], "omitted names that ember now has: take them out of the ledger"
    dead = [p for p in omissions.OUT_OF_SCOPE.get(namespace, {}) if not fnmatch.filter(names, p)]
    assert dead == [], "out-of-scope patterns that match no torch name"


def test_the_ledger_is_for_the_counted_namespaces_and_each_reason_is_one_line():
    assert set(omissions.OMITTED) | set(omissions.OUT_OF_SCOPE) <= set(NAMESPACES)
    for entries in list(omissions.OMITTED.values()) + list(omissions.OUT_OF_SCOPE.values()):
        for reason in entries.values():
            assert reason and "\n" not in reason and len(reason) < 120, reason


def test_the_readme_table_is_the_ledgers():
    assert api_coverage.readme_table() == api_coverage.table(), \
        "README's coverage table is out of date: run `python -m tests.api_coverage --readme`"


# -------------------------------------------------------------------------------------------------
# What a user who touches a name ember lacks gets.

@pytest.mark.parametrize("get, message", [
    (lambda: ember.stft, "ember has no torch.stft: signal processing (FFTs, STFT) needs complex numbers"),
    (lambda: ember.sparse_coo_tensor, "ember has no torch.sparse_coo_tensor: sparse tensors are out of ember's scope"),
    (lambda: ember.no_such_name, "ember has no torch.no_such_name"),
    (lambda: ember.zeros(2).apply_, "ember has no torch.Tensor.apply_: a Python function called per element"),
    (lambda: ember.zeros(2).no_such_method, "ember has no torch.Tensor.no_such_method"),
    (lambda: ember.optim.SparseAdam, "ember has no torch.optim.SparseAdam: it needs sparse gradients"),
    (lambda: ember.nn.Container, "ember has no torch.nn.Container: deprecated"),
    (lambda: ember.nn.functional.upsample, "ember has no torch.nn.functional.upsample: deprecated"),
    (lambda: ember.nn.init.no_such_init_, "ember has no torch.nn.init.no_such_init_"),
    (lambda: ember.nn.utils.no_such_util, "ember has no torch.nn.utils.no_such_util"),
    (lambda: ember.nn.utils.rnn.no_such_util, "ember has no torch.nn.utils.rnn.no_such_util"),
    (lambda: ember.optim.lr_scheduler.NoSuchLR, "ember has no torch.optim.lr_scheduler.NoSuchLR"),
    (lambda: ember.utils.data.IterDataPipe, "ember has no torch.utils.data.IterDataPipe: DataPipes"),
    (lambda: ember.autograd.gradgradcheck, "ember has no torch.autograd.gradgradcheck: it checks second derivatives"),
    (lambda: ember.cuda.no_such_function, "ember has no torch.cuda.no_such_function"),
    (lambda: ember.backends.cudnn.no_such_switch, "ember has no torch.backends.cudnn.no_such_switch"),
])
def test_a_name_ember_lacks_raises_an_error_naming_it(get, message):
    with raises(AttributeError, message):
        get()


def test_hasattr_still_answers_false_for_what_ember_lacks():
    assert not hasattr(ember, "stft") and not hasattr(ember.zeros(1), "apply_") and hasattr(ember, "zeros")


def test_the_lookup_of_missing_names_costs_the_hot_path_nothing(monkeypatch):
    """Tensor.__getattr__ and the modules' __getattr__ run only when normal lookup fails: a training step
    never reaches them."""
    calls = []
    monkeypatch.setattr(omissions, "message", lambda namespace, name: calls.append((namespace, name)) or "")
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(4, 8), ember.nn.ReLU(), ember.nn.Linear(8, 2))
    optimizer = ember.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(2):
        loss = ember.nn.functional.cross_entropy(model(ember.randn(3, 4)), ember.tensor([0, 1, 1]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    import copy
    copy.deepcopy(model)  # copy probes each tensor for __deepcopy__: Python's own answer, without the ledger
    assert calls == []


def test_a_property_that_raises_attribute_error_keeps_its_own_error(monkeypatch):
    def broken(self):
        raise AttributeError("the property's own problem")
    monkeypatch.setattr(ember.Tensor, "broken", property(broken), raising=False)
    with raises(AttributeError, "the property's own problem"):
        ember.zeros(1).broken
