"""Tiny character models shared by the zoo.text tests."""


def uniform_model(vocab, window):
    """A model predicting the uniform distribution over ``vocab`` at every position."""
    import keras

    inputs = keras.Input((window,), dtype="int32")
    x = keras.layers.Embedding(vocab.size, 4)(inputs)
    outputs = keras.layers.Dense(vocab.size, activation="softmax", kernel_initializer="zeros")(x)
    return keras.Model(inputs, outputs)
