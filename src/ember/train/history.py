"""History: the numbers a fit measured, one record per epoch; the raw material of learning curves."""

import csv
import json


class History:
    """Per-epoch records of a fit. history["val_loss"] is that column as a list over the epochs.

    Columns: epoch, train_loss, val_loss, train_accuracy and val_accuracy (classification), any
    extra metrics, lr and seconds. `stopped_epoch` is set when a callback stopped the fit early;
    `diverged` is (epoch, batch) when the loss became NaN or infinite.
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
        columns = self.columns()
        with open(path, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns)
            writer.writeheader()
            writer.writerows(self.records)

    def to_dict(self):
        return {"records": self.records, "stopped_epoch": self.stopped_epoch, "diverged": self.diverged}

    def to_json(self, path):
        with open(path, "w") as f:
            json.dump(self.to_dict(), f, indent=2)

    def __repr__(self):
        return f"History({len(self)} epochs: {', '.join(self.columns())})"
