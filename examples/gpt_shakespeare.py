"""A character-level GPT learns to write like Shakespeare (given tiny Shakespeare), on the CPU in a few minutes.

The recipe is the small CPU configuration of a well-known reference script: the `gpt` model (4 layers,
4 heads, 128 features, a context of 64 characters), batches of 12 random windows, 2000 iterations of
AdamW with weight decay on the weight matrices only, the learning rate warmed up over 100 iterations
and then cosine-decayed from 1e-3 to 1e-4, gradients clipped at norm 1. On tiny Shakespeare it ends at a
validation loss near 1.9 (cross-entropy per character; a uniform guess among its 65 characters scores
ln 65 = 4.17).

    python examples/gpt_shakespeare.py [--text input.txt] [--iters 2000] [--maps attention.png]

Tiny Shakespeare is karpathy/char-rnn's input.txt; without --text the GPT reads the English prose that
ships with Python (its pydoc help topics) instead.
"""

import argparse
import math
import time

import ember
import ember.nn.functional as F
from ember.data import DataLoader, RandomSampler, builtin_text, char_windows
from ember.models import GPT
from ember.train import SchedulerStep, evaluate, fit
from ember.train.attention_maps import save_attention_maps


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", help="a text file (default: the prose that ships with Python)")
    parser.add_argument("--iters", type=int, default=2000, help="training iterations (default 2000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--maps", help="save the trained model's attention maps over a prompt to this PNG")
    return parser.parse_args()


def main():
    args = parse_args()
    ember.manual_seed(args.seed)
    batch, block_size, iters, evaluations = 12, 64, args.iters, 8
    if args.text:
        with open(args.text, encoding="utf-8") as f:
            text = f.read()
    else:
        text = builtin_text()
    vocab, train, val = char_windows(text, block_size)  # first 90% trains, last 10% validates

    def random_windows(data, batches):
        """batches batches of random windows (drawn with replacement): one "epoch" of fit()."""
        return DataLoader(data, batch_size=batch, sampler=RandomSampler(data, replacement=True,
                                                                          num_samples=batch * batches))

    model = GPT(vocab_size=len(vocab), block_size=block_size)
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters, {len(vocab)} characters")

    # Weight decay pulls weight matrices towards zero; LayerNorm weights and biases are left alone.
    matrices = [p for p in model.parameters() if p.ndim >= 2]
    others = [p for p in model.parameters() if p.ndim < 2]
    optimizer = ember.optim.AdamW([{"params": matrices, "weight_decay": 0.1},
                                   {"params": others, "weight_decay": 0.0}], lr=1e-3, betas=(0.9, 0.99))

    warmup, max_lr, min_lr = 100, 1e-3, 1e-4

    def lr_factor(step):
        """Linear warm-up, then half a cosine from max_lr down to min_lr (as a factor of max_lr)."""
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, iters - warmup))
        return (min_lr + 0.5 * (max_lr - min_lr) * (1 + math.cos(math.pi * progress))) / max_lr

    scheduler = ember.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)

    def loss_fn(logits, targets):
        """Mean cross-entropy of the next character at every position: logits (B, T, V), targets (B, T)."""
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

    started = time.perf_counter()
    fit(model, loss_fn, optimizer, random_windows(train, iters // evaluations), random_windows(val, 20),
        epochs=evaluations, callbacks=[SchedulerStep(scheduler, interval="batch")], max_grad_norm=1.0)
    seconds = time.perf_counter() - started

    # The measurement: mean loss over 200 random validation batches of 12 × 64 characters.
    val_loss = evaluate(model, loss_fn, random_windows(val, 200))["loss"]
    tokens = iters * batch * block_size
    print(f"validation loss {val_loss:.4f} after {iters} iterations: {seconds:.1f} s of training "
          f"({tokens / seconds:,.0f} tokens/s, including the evaluations)")

    prompt = ember.tensor(vocab.encode("\n")).reshape(1, -1)
    sample = model.generate(prompt, 500, temperature=0.8, top_k=200)
    print("\n--- sample ---" + vocab.decode(sample[0].tolist()))

    if args.maps:
        words = "ROMEO:\nBut soft, what light"
        save_attention_maps(model, ember.tensor(vocab.encode(words)), args.maps, labels=list(words))
        print(f"attention maps: {args.maps}")


if __name__ == "__main__":
    main()
