"""Model families; importing this package registers every built-in factory."""

from zoo.models._compile import build_training_state
from zoo.models.cnn import build_cnn
from zoo.models.dcgan import DCGAN, build_dcgan
from zoo.models.fnn import build_fnn
from zoo.models.rnn import build_bilstm, build_gru, build_lstm

__all__ = ["DCGAN", "build_bilstm", "build_cnn", "build_dcgan", "build_fnn", "build_gru",
           "build_lstm", "build_training_state"]
