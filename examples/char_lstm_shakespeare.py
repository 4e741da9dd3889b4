"""A character-level LSTM trained on a text, tiny Shakespeare in the recipe, then asked to write some.

    PYTHONPATH=src python examples/char_lstm_shakespeare.py [input.txt] [--iterations N]

Without a file it reads the English prose that ships with Python (its pydoc help topics); tiny
Shakespeare is karpathy/char-rnn's input.txt. The model reads 100 characters and, at every position,
predicts the next one: Embedding(V, 128) → 2-layer LSTM(256) → Linear(256, V) for V characters (65 in
Shakespeare). The recipe of BENCHMARKS.md: batches of 32 random windows of
the first 90% of the text, Adam with the learning rate decaying exponentially from 2e-3 to 2e-4
over 3000 iterations, gradients clipped to norm 1.0. The validation loss is the mean
cross-entropy over 200 random batches of the last 10% (on Shakespeare PyTorch reaches 1.54 nats per
character).
`ember train --model char-lstm --text input.txt` runs the same recipe from the command line.
"""

import argparse
import time

import ember
import ember.functional as F
from ember import data, optim
from ember.models import CharLSTM
from ember.train import SchedulerStep, evaluate, fit

BATCH, BLOCK = 32, 100


def sequence_loss(logits, targets):
    """Cross-entropy of every position's next-character scores (B, T, vocab) against targets (B, T)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def random_windows(windows, batches, seed):
    """A loader of `batches` batches of windows drawn at random (with replacement)."""
    sampler = data.RandomSampler(windows, replacement=True, num_samples=BATCH * batches,
                                 generator=ember.Generator("cpu", seed))
    return data.DataLoader(windows, batch_size=BATCH, sampler=sampler)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", nargs="?", help="a text file (default: the prose that ships with Python)")
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--eval-every", type=int, default=500)
    args = parser.parse_args()

    ember.manual_seed(0)
    if args.text:
        with open(args.text, encoding="utf-8") as f:
            text = f.read()
    else:
        text = data.builtin_text()
    vocab, train, val = data.char_windows(text, BLOCK)  # first 90% trains, last 10% validates
    model = CharLSTM(len(vocab), block_size=BLOCK)
    optimizer = optim.Adam(model.parameters(), lr=2e-3)
    decay = optim.lr_scheduler.ExponentialLR(optimizer, gamma=(2e-4 / 2e-3) ** (1 / args.iterations))

    started = time.perf_counter()
    fit(model, sequence_loss, optimizer, random_windows(train, args.eval_every, seed=1),
        random_windows(val, 20, seed=2), epochs=max(1, args.iterations // args.eval_every),
        callbacks=[SchedulerStep(decay, interval="batch")], max_grad_norm=1.0)
    minutes = (time.perf_counter() - started) / 60
    val_loss = evaluate(model, sequence_loss, random_windows(val, 200, seed=3))["loss"]
    print(f"\nvalidation loss {val_loss:.3f} nats per character, after {minutes:.1f} minutes of training\n")

    prompt = ember.tensor(vocab.encode("ROMEO:")[None])
    print(vocab.decode(model.generate(prompt, 500, temperature=0.8)[0].tolist()))


if __name__ == "__main__":
    main()
