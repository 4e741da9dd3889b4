import ember
from ember.models import GPT
from ember.train.attention_maps import save_attention_maps
from helpers import raises


def test_attention_maps_are_saved_as_a_png(tmp_path):
    model = GPT(vocab_size=5, block_size=8, n_layer=2, n_head=3, n_embd=12)
    prompt = "ab cd"
    ids = ember.tensor([" abcd".index(c) for c in prompt])
    path = save_attention_maps(model, ids, tmp_path / "maps" / "attention.png", labels=list(prompt))
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def test_attention_map_errors(tmp_path):
    model = GPT(vocab_size=5, block_size=8, n_layer=1, n_head=2, n_embd=8)
    with raises(ValueError, "expected the ids of one prompt, (T,) or (1, T), got (2, 3)"):
        save_attention_maps(model, ember.zeros(2, 3, dtype=ember.long), tmp_path / "a.png")
    with raises(ValueError, "2 labels for a prompt of 3 tokens"):
        save_attention_maps(model, ember.zeros(3, dtype=ember.long), tmp_path / "a.png", labels=["a", "b"])
