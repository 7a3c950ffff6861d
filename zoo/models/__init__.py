"""Model families; importing this package registers every built-in factory.

The families (``fnn``, ``cnn``, ``rnn`` here, ``dcgan`` in :mod:`zoo.gan.builders`)
import Keras only when a factory is called, so listing the registry needs no
backend. ``DCGAN`` (a ``keras.Model`` subclass) is reached lazily.
"""

from zoo.gan.builders import build_dcgan
from zoo.models.cnn import build_cnn
from zoo.models.fnn import build_fnn
from zoo.models.rnn import build_bilstm, build_gru, build_lstm
from zoo.models.training_state import build_training_state

__all__ = ["DCGAN", "build_bilstm", "build_cnn", "build_dcgan", "build_fnn", "build_gru",
           "build_lstm", "build_training_state"]


def __getattr__(name: str):
    if name == "DCGAN":
        from zoo.gan.model import DCGAN

        return DCGAN
    raise AttributeError(f"module 'zoo.models' has no attribute {name!r}")
