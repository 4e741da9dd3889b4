import numpy as np

import ember
import ember.functional as F
from ember.data import CharVocab
from ember.models import LANGUAGE_MODELS, CharLSTM
from ember.models.sampling import sample_next
from helpers import raises


def sequence_loss(logits, targets):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def test_registered_and_built_as_the_cli_builds_it():
    model = LANGUAGE_MODELS["char-lstm"](vocab_size=65, block_size=100, dropout=0.1)
    assert isinstance(model, CharLSTM) and model.lstm.num_layers == 2 and model.lstm.hidden_size == 256
    assert model.embed.embedding_dim == 128 and model.lstm.dropout == 0.1
    assert model(ember.zeros(3, 7, dtype=ember.int64)).shape == (3, 7, 65)


def test_learns_a_repetitive_text_and_generates_it():
    ember.manual_seed(0)
    text = "to be or not to be. " * 20
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    model = CharLSTM(len(vocab), block_size=20, embed_dim=16, hidden_size=48, num_layers=1)
    optimizer = ember.optim.Adam(model.parameters(), lr=0.02)
    rng = np.random.default_rng(0)
    for _ in range(150):
        starts = rng.integers(0, len(ids) - 21, 16)[:, None] + np.arange(21)
        x, y = ember.tensor(ids[starts[:, :-1]]), ember.tensor(ids[starts[:, 1:]])
        loss = sequence_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.1
    prompt = ember.tensor(vocab.encode("to be or")[None])
    out = model.generate(prompt, 12, temperature=0.5, top_k=3)
    assert vocab.decode(out[0].tolist()) == "to be or not to be. "
    assert model.training  # generate() puts the mode back


def test_generate_one_step_at_a_time_matches_reading_the_whole_text():
    """Carrying the LSTM state: the logits after feeding tokens one by one equal one pass over all."""
    model = CharLSTM(11, embed_dim=8, hidden_size=12).eval()
    ids = ember.randint(0, 11, (2, 9))
    whole, _ = model.run(ids)
    state, steps = None, []
    for t in range(9):
        logits, state = model.run(ids[:, t:t + 1], state)
        steps.append(logits)
    np.testing.assert_allclose(ember.cat(steps, dim=1).detach().numpy(), whole.detach().numpy(), atol=1e-5)


def test_sampling_temperature_and_top_k():
    logits = ember.tensor([[0.0, 1.0, 2.0, 3.0]] * 2000)
    ember.manual_seed(1)
    counts = np.bincount(sample_next(logits).numpy().ravel(), minlength=4) / 2000
    np.testing.assert_allclose(counts, np.exp([0, 1, 2, 3]) / np.exp([0, 1, 2, 3]).sum(), atol=0.03)
    assert set(sample_next(logits, top_k=2).numpy().ravel()) == {2, 3}
    assert set(sample_next(logits, temperature=1e-3).numpy().ravel()) == {3}
    ember.manual_seed(5)
    first = sample_next(logits[:10]).tolist()
    ember.manual_seed(5)
    assert sample_next(logits[:10]).tolist() == first
    with raises(ValueError, "temperature must be positive, got 0"):
        sample_next(logits, temperature=0)
    with raises(ValueError, "top_k must be a positive int, got 0"):
        sample_next(logits, top_k=0)


def test_bad_ids():
    with raises(ValueError, "CharLSTM: expected token ids (batch, time) of an integer dtype, got float32 of shape (4,)"):
        CharLSTM(5)(ember.zeros(4))

