import subprocess
import sys


def test_import_ember_gives_ember_nn_functional():
    code = "import ember; assert ember.nn.functional is ember.functional; ember.nn.functional.relu(ember.ones(2))"
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": ":".join(sys.path)})
