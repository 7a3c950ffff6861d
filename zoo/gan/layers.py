"""The generator's up-sampling layer: ``Conv2DTranspose`` with a fast path for XLA on CPU.

:class:`TransposedConv2D` is ``keras.layers.Conv2DTranspose`` (same arguments,
weights, initialisation and outputs) whose ``call`` can compute the transposed
convolution as one matrix product and an overlap-add (:func:`conv_transpose_by_matmul`).
On JAX running on a CPU, XLA computes the kernel gradient of a strided transposed
convolution with a slow generic loop: for the digits DCGAN's middle layer it took
about 33 ms of a 65 ms train step, against a few milliseconds as a matrix product.
Where the backend says so (:func:`zoo.backend.conv_transpose_by_matmul`) the layer
takes the matrix form; everywhere else (TensorFlow, PyTorch, JAX on GPU/TPU) it is
Keras' own layer, to the bit.

Example:
    >>> layer = TransposedConv2D(8, 4, strides=2, padding="same")
    >>> layer(keras.ops.zeros((1, 4, 4, 3))).shape
    (1, 8, 8, 8)
"""

from __future__ import annotations

import keras
from keras import ops

from zoo import backend


def conv_transpose_by_matmul(inputs, kernel, strides, padding):
    """``keras.ops.conv_transpose`` (channels last, no dilation) as a matmul and an overlap-add.

    Every input pixel's contribution to the output, a ``kh x kw x out`` patch, is
    one row of ``inputs @ kernel``; the patches are added into the output at stride
    ``strides``: grouped by the output position's remainder modulo the stride, each
    group is a sum of shifted patch slices, and the groups interleave into the
    output. Only matrix products, pads, slices and reshapes, whose gradients are
    fast everywhere.

    Args:
        inputs: ``(n, h, w, in)`` tensor.
        kernel: ``(kh, kw, out, in)`` tensor (``Conv2DTranspose``'s layout).
        strides: ``(sh, sw)``.
        padding: ``"same"`` or ``"valid"``, as in Keras.

    Returns:
        The ``(n, h_out, w_out, out)`` tensor ``keras.ops.conv_transpose`` gives.
    """
    _, h, w, cin = inputs.shape
    kh, kw, cout, _ = kernel.shape
    sh, sw = strides
    patches = ops.matmul(ops.reshape(inputs, (-1, cin)),
                         ops.reshape(ops.transpose(kernel, (3, 0, 1, 2)), (cin, kh * kw * cout)))
    patches = ops.reshape(patches, (-1, h, w, kh, kw, cout))
    qh, qw = -(-kh // sh), -(-kw // sw)  # patch rows (columns) landing in one output row group
    rows = []
    for ra in range(sh):
        groups = []
        for rb in range(sw):
            total = None
            for qa in range(-(-(kh - ra) // sh)):
                for qb in range(-(-(kw - rb) // sw)):
                    part = ops.pad(patches[:, :, :, sh * qa + ra, sw * qb + rb, :],
                                   ((0, 0), (qa, qh - 1 - qa), (qb, qw - 1 - qb), (0, 0)))
                    total = part if total is None else total + part
            if total is None:  # a kernel smaller than the stride leaves gaps
                total = ops.zeros_like(ops.pad(patches[:, :, :, 0, 0, :],
                                               ((0, 0), (0, qh - 1), (0, qw - 1), (0, 0))))
            groups.append(total)
        rows.append(ops.stack(groups, axis=3))
    full = ops.reshape(ops.stack(rows, axis=2), (-1, sh * (h + qh - 1), sw * (w + qw - 1), cout))
    if padding == "same":
        out_h, out_w = h * sh, w * sw
        top, left = max(kh - sh, 0) // 2, max(kw - sw, 0) // 2
    else:
        out_h, out_w = max((h - 1) * sh + kh, h * sh), max((w - 1) * sw + kw, w * sw)
        top = left = 0
    short_h, short_w = top + out_h - full.shape[1], left + out_w - full.shape[2]
    if short_h > 0 or short_w > 0:
        full = ops.pad(full, ((0, 0), (0, max(short_h, 0)), (0, max(short_w, 0)), (0, 0)))
    return full[:, top:top + out_h, left:left + out_w, :]


@keras.saving.register_keras_serializable(package="zoo")
class TransposedConv2D(keras.layers.Conv2DTranspose):
    """``keras.layers.Conv2DTranspose`` with the matrix-product path described above.

    Takes ``Conv2DTranspose``'s arguments; the matrix form applies with
    ``data_format="channels_last"``, no dilation and no ``output_padding``, and only
    where :func:`zoo.backend.conv_transpose_by_matmul` is true (JAX on a CPU).
    """

    def call(self, inputs):
        if not (backend.conv_transpose_by_matmul() and self.data_format == "channels_last"
                and self.output_padding is None and tuple(self.dilation_rate) == (1, 1)):
            return super().call(inputs)
        outputs = conv_transpose_by_matmul(inputs, self.kernel, tuple(self.strides),
                                           self.padding)
        if self.use_bias:
            outputs = ops.add(outputs, ops.reshape(self.bias, (1, 1, 1, self.filters)))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


__all__ = ["TransposedConv2D", "conv_transpose_by_matmul"]
