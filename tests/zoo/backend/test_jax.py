"""zoo.backend.jax: what it relies on in Keras' JAX trainer is still there.

The DCGAN's two optimizers reach Keras' stateless JAX trainer as one
``model.optimizer`` (``GANOptimizers``) because the trainer carries, and writes
back, exactly ``self.optimizer.variables``. That is read from Keras' source, so
the check runs on every backend without importing JAX.
"""

import ast
from pathlib import Path

import keras

from zoo.backend import jax as jax_backend

TRAINER = Path(keras.__file__).parent / "src" / "backend" / "jax" / "trainer.py"


def _methods():
    tree = ast.parse(TRAINER.read_text())
    trainer = next(node for node in tree.body
                   if isinstance(node, ast.ClassDef) and node.name == "JAXTrainer")
    return {node.name: node for node in trainer.body if isinstance(node, ast.FunctionDef)}


def test_the_jax_trainer_carries_and_writes_back_model_optimizer_variables():
    methods = _methods()
    for internal in jax_backend.INTERNALS:
        name = internal.split(".")[-1]
        problem = (f"Keras {keras.__version__}: {internal} in {TRAINER} no longer "
                   "{}; zoo/backend/jax.py (GANOptimizers) was written against Keras 3.15.1")
        assert name in methods, problem.format("exists")
        source = ast.unparse(methods[name])
        assert "self.optimizer.variables" in source, problem.format(
            "reads and writes the state through self.optimizer.variables")


def test_gan_optimizers_are_both_optimizers_in_one_state_list():
    d, g = keras.optimizers.Adam(name="d"), keras.optimizers.SGD(name="g")
    d.build([keras.Variable(0.0)])
    g.build([keras.Variable(0.0), keras.Variable(1.0)])
    both = jax_backend.GANOptimizers(d, g)
    assert both.variables == [*d.variables, *g.variables]
    assert both.iterations is g.iterations and both.built
    assert both.scale_loss(3.0) == 3.0
