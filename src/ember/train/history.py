"""History: the numbers a fit measured, one record per epoch; the raw material of learning curves."""

import csv
import io
import json

from ..io import atomic_write


class History:
    """Per-epoch records of a fit. history["val_loss"] is that column as a list over the epochs.

    Columns: epoch, train_loss, val_loss, train_accuracy and val_accuracy (classification), any
    extra metrics, lr and seconds. `stopped_epoch` is set when a callback stopped the fit early;
    `diverged` is (epoch, batch) when the loss or the gradients became NaN or infinite (batch None: the
    validation loss did).
    """

    def __init__(self, records=()):
        self.records = list(records)
        self.stopped_epoch = None
        self.diverged = None

    def append(self, record):
        self.records.append(dict(record))

    def __len__(self):
        return len(self.records)

    def __getitem__(self, column):
        if column not in self.columns():
            raise KeyError(f"history has no column '{column}'; it has {', '.join(self.columns())}")
        return [record.get(column) for record in self.records]

    def __contains__(self, column):
        return column in self.columns()

    def columns(self):
        names = []
        for record in self.records:
            names += [k for k in record if k not in names]
        return names

    def best_epoch(self, monitor="val_loss", mode="min"):
        """The epoch whose monitored value was best (lowest for mode='min')."""
        values = [(v, r["epoch"]) for v, r in zip(self[monitor], self.records) if v is not None]
        return (min(values) if mode == "min" else max(values, key=lambda pair: (pair[0], -pair[1])))[1]

    def to_csv(self, path):
        """Write the records as CSV, one row per epoch (atomically: a crash leaves the old file or the new one)."""
        text = io.StringIO(newline="")
        writer = csv.DictWriter(text, fieldnames=self.columns())
        writer.writeheader()
        writer.writerows(self.records)
        with atomic_write(path) as f:
            f.write(text.getvalue().encode())

    def to_dict(self):
        return {"records": self.records, "stopped_epoch": self.stopped_epoch, "diverged": self.diverged}

    def load_state_dict(self, saved):
        """Take the records and outcome that to_dict() gave (a resumed fit's history)."""
        self.records = [dict(record) for record in saved["records"]]
        self.stopped_epoch = saved["stopped_epoch"]
        self.diverged = None if saved["diverged"] is None else tuple(saved["diverged"])

    def to_json(self, path):
        """Write to_dict() as JSON (atomically)."""
        with atomic_write(path) as f:
            f.write(json.dumps(self.to_dict(), indent=2).encode())

    def __repr__(self):
        return f"History({len(self)} epochs: {', '.join(self.columns())})"
