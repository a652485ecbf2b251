# Runs the example from python/README.md so the documented snippet keeps working.
import io
import os
import re
from contextlib import redirect_stdout

README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")


def test_readme_example_runs():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    code = re.search(r"## Example\s+```python\n(.*?)```", text, re.S).group(1)
    assert len(code.strip().splitlines()) < 15
    out = io.StringIO()
    with redirect_stdout(out):
        exec(compile(code, "README example", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == repr(b"*\x00\x00\x00")
    assert lines[1].startswith("unreachable [Frame(func_index=2")
