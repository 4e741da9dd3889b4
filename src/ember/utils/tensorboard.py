"""ember.utils.tensorboard (torch.utils.tensorboard): SummaryWriter, which logs numbers for TensorBoard.

As in PyTorch, it needs the tensorboard package (pip install tensorboard), whose event-file writer it
uses; without it, importing this module raises an ImportError that says so.
"""

import os
import socket
import time

try:
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.summary.writer.event_file_writer import EventFileWriter
except ImportError:
    raise ImportError("torch.utils.tensorboard needs the tensorboard package: pip install tensorboard") from None


class SummaryWriter:
    """Writes scalars to an event file in log_dir (default runs/DATE_TIME_HOST + comment), which TensorBoard shows:
    `writer.add_scalar("loss/train", loss.item(), step)`."""

    def __init__(self, log_dir=None, comment="", purge_step=None, max_queue=10, flush_secs=120, filename_suffix=""):
        if log_dir is None:
            log_dir = os.path.join("runs", time.strftime("%b%d_%H-%M-%S") + "_" + socket.gethostname() + comment)
        self.log_dir = log_dir
        self._writer = EventFileWriter(log_dir, max_queue, flush_secs, filename_suffix)

    def get_logdir(self):
        return self.log_dir

    def add_scalar(self, tag, scalar_value, global_step=None, walltime=None, new_style=False, double_precision=False):
        """Log one number (a Python number or a one-element tensor) under tag at step global_step."""
        value = Summary.Value(tag=tag, simple_value=float(scalar_value))
        self._add(Summary(value=[value]), global_step, walltime)

    def _add(self, summary, global_step, walltime):
        event = Event(summary=summary, wall_time=time.time() if walltime is None else walltime)
        if global_step is not None:
            event.step = int(global_step)
        self._writer.add_event(event)

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
