"""Reading learning curves: is the model overfitting, underfitting, diverging, or fitting well?"""

from dataclasses import dataclass


@dataclass
class Diagnosis:
    """A verdict on a fit, in plain language. turning_epoch is where validation loss was lowest
    before it rose (overfitting), when that happened."""

    verdict: str          # "overfitting", "underfitting", "diverged", "good fit" or "unknown"
    explanation: str
    turning_epoch: int = None

    def __str__(self):
        return f"{self.verdict}: {self.explanation}"


# How large a difference must be before it counts.
ACCURACY_GAP = 0.05       # train accuracy this far above validation accuracy: overfitting
LOSS_RISE = 0.05          # validation loss this fraction above its lowest: it has turned up
CLEAR_RISE = 0.25         # ... and this far above: clearly, not just starting to
LOW_ACCURACY = 0.85       # train accuracy below this, with no gap: underfitting
STILL_FALLING = 0.05      # train loss fell this fraction in the last epoch: not done learning


def diagnose(history):
    """Overfitting shows as validation loss rising while training loss keeps falling (the turning
    epoch is where validation loss was lowest), or as train accuracy well above validation
    accuracy. Underfitting shows as low accuracy on the training data itself, or (without an
    accuracy to go by) a training loss still falling fast when training ended. Divergence is a NaN
    or infinite loss."""
    if history.diverged is not None:
        epoch, batch = history.diverged
        where = f"epoch {epoch}, batch {batch}" if batch is not None else f"epoch {epoch} (validation)"
        return Diagnosis("diverged", f"the loss or the gradients became NaN or infinite at {where}; "
                                     "lower the learning rate (or clip gradients)")
    if len(history) == 0 or "val_loss" not in history:
        return Diagnosis("unknown", "no validation measurements: pass validation data to see overfitting")
    train_loss, val_loss = history["train_loss"], history["val_loss"]
    epochs = history["epoch"]
    best = min(range(len(val_loss)), key=val_loss.__getitem__)
    last = len(val_loss) - 1
    rose = val_loss[last] > val_loss[best] * (1 + LOSS_RISE) and train_loss[last] < train_loss[best]
    accuracies = "train_accuracy" in history and "val_accuracy" in history
    gap = history["train_accuracy"][last] - history["val_accuracy"][last] if accuracies else 0.0
    if rose:
        rise = val_loss[last] / val_loss[best] - 1
        how = "is starting to memorize" if rise < CLEAR_RISE else "is memorizing"
        return Diagnosis("overfitting",
                         f"validation loss was lowest at epoch {epochs[best]} ({val_loss[best]:.4f}) and rose "
                         f"{100 * rise:.0f}% to {val_loss[last]:.4f} while training loss kept falling "
                         f"({train_loss[best]:.4f} → {train_loss[last]:.4f}): the model {how} the training data. "
                         "Stop earlier (EarlyStopping), add dropout or weight decay, or get more data", epochs[best])
    if gap > ACCURACY_GAP:
        return Diagnosis("overfitting",
                         f"train accuracy {100 * history['train_accuracy'][last]:.1f}% is well above validation "
                         f"accuracy {100 * history['val_accuracy'][last]:.1f}%: the model fits the training data "
                         "better than it generalizes. Add dropout or weight decay, or get more data",
                         epochs[best] if best < last else None)
    if accuracies and history["train_accuracy"][last] < LOW_ACCURACY:
        return Diagnosis("underfitting",
                         f"train accuracy is only {100 * history['train_accuracy'][last]:.1f}%: the model does not "
                         "fit even the data it trains on. Train longer, raise the learning rate, or make the "
                         "model bigger")
    still_falling = len(train_loss) > 1 and train_loss[-2] - train_loss[-1] > STILL_FALLING * train_loss[-2]
    if still_falling and not accuracies:
        return Diagnosis("underfitting",
                         f"training loss was still falling fast at the end ({train_loss[-2]:.4f} → "
                         f"{train_loss[-1]:.4f} in the last epoch): more epochs would help")
    explanation = (f"training and validation loss track each other (final {train_loss[last]:.4f} and "
                   f"{val_loss[last]:.4f}, best validation at epoch {epochs[best]})")
    if still_falling:
        explanation += (f"; training loss was still falling ({train_loss[-2]:.4f} → {train_loss[-1]:.4f}), "
                        "so more epochs may help a little")
    return Diagnosis("good fit", explanation)
