"""The build refuses a page whose examples would print other output in one notebook namespace.

On the site a session's examples see only their session, other examples run fresh; a notebook
runs every cell in one namespace. hooks/notebooks.py finds the session examples that read a name
another example rebound in between, runs them the notebook's way, and names each difference.
"""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _hook():
    spec = importlib.util.spec_from_file_location("bg_notebooks_hook", ROOT / "hooks" / "notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def example(i, source, session=None, stdout=""):
    return {"id": f"ex{i}", "session": session, "raises": None, "source": source,
            "stdout": stdout, "result": None, "error": None, "figures": []}


def test_a_rebound_value_that_changes_the_output_is_named():
    hook = _hook()
    exs = [example(1, "a = 2.0\nprint(a)", "s", "2.0\n"),
           example(2, "import numpy as np\na = np.zeros(3)"),
           example(3, "print(a * 2)", "s", "4.0\n")]
    clashes = hook.namespace_clashes(exs)
    assert len(clashes) == 1
    assert "ex3" in clashes[0] and "'s'" in clashes[0] and "reads a" in clashes[0] and "ex2" in clashes[0]
    assert "site '4.0', notebook '[0. 0. 0.]'" in clashes[0]


def test_rebinding_to_the_same_value_imports_and_locals_are_not_clashes():
    hook = _hook()
    exs = [example(1, "import numpy as np\ny = 1.0\ndef f(t):\n    return t\nprint(y)", "s", "1.0\n"),
           example(2, "import numpy as np\ny = 1.0\ndef g():\n    f = 3\n    return f\n"
                      "z = [t for t in range(3)]"),
           example(3, "print(f(np.float64(y)))", "s", "1.0\n")]
    assert hook.rebound_names(exs) == {2: (["y"], "ex2")}      # np is an import; f is local in g
    assert hook.namespace_clashes(exs) == []                    # y: same value, same output


def test_a_name_the_session_never_bound_is_not_its_business():
    hook = _hook()
    exs = [example(1, "x = 1", "s"), example(2, "q = 5"), example(3, "print(x)", "s", "1\n"),
           example(4, "print(q)", "t", "")]                     # session t never bound q
    assert hook.rebound_names(exs) == {}
