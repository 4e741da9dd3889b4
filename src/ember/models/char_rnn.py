"""A character-level language model: an LSTM reads text one character at a time and, at every
position, predicts the next character. Trained on Shakespeare it learns spelling, words, line
breaks and the shape of a play, all from predicting one character after another."""

from ..autograd import no_grad
from ..nn import LSTM, Embedding, Linear, Module
from ..ops.shape import cat
from .sampling import sample_next


class CharLSTM(Module):
    """Embedding(vocab, embed_dim) → LSTM(hidden_size, num_layers) → Linear(hidden_size, vocab).

    forward(ids (B, T) int64) gives logits (B, T, vocab): the scores of the next character after each
    position. block_size is the length of the training windows (the LSTM itself takes any length);
    dropout is applied between the LSTM layers.
    """

    def __init__(self, vocab_size, block_size=100, dropout=0.0, embed_dim=128, hidden_size=256, num_layers=2):
        super().__init__()
        self.vocab_size, self.block_size = vocab_size, block_size
        self.embed = Embedding(vocab_size, embed_dim)
        self.lstm = LSTM(embed_dim, hidden_size, num_layers, batch_first=True, dropout=dropout)
        self.head = Linear(hidden_size, vocab_size)

    def forward(self, ids):
        return self.run(ids)[0]

    def run(self, ids, state=None):
        """(logits (B, T, vocab), the LSTM's final state (h, c)), starting from state (None: zeros).
        Passing the returned state back in continues the text where it stopped, one step per token."""
        if ids.ndim != 2 or ids.dtype.kind not in "iu":
            raise ValueError(f"{self._describe()}: expected token ids (batch, time) of an integer dtype, "
                             f"got {ids.dtype} of shape {tuple(ids.shape)}")
        hidden, state = self.lstm(self.embed(ids), state)
        return self.head(hidden), state

    def generate(self, ids, max_new_tokens, temperature=1.0, top_k=None):
        """ids (B, T) followed by max_new_tokens sampled ids. The prompt is read once; then each new
        token costs one LSTM step, carrying the state forward."""
        was_training = self.training
        self.eval()
        tokens = [ids]
        with no_grad():
            logits, state = self.run(ids)
            for i in range(max_new_tokens):
                tokens.append(sample_next(logits[:, -1], temperature, top_k))
                if i + 1 < max_new_tokens:
                    logits, state = self.run(tokens[-1], state)
        self.train(was_training)
        return cat(tokens, dim=1)
