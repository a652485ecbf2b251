#!/usr/bin/env python3
"""Line-based reducer for differential divergences (and oracle crashes) found by the fuzzers.

Deletes chunks of lines of a WAT file (halving the chunk size down to single lines, until no
deletion helps) and keeps each deletion after which the module is still "interesting":

  --mode diverge  `compare_script` (tests/fuzz_smoke.rs) prints RESULT DIVERGE for the calls
                  in --calls; runs --tries times, any divergence counts (the wasmi bugs found so
                  far read stale memory, so a run may show a zero by chance);
  --mode crash    `compare_script` with FUZZ_ORACLE_ONLY=1 dies of a signal (SIGSEGV in wasmi).

Text goes through wabt's `wat2wasm --enable-all` (invalid candidates are dropped there);
--split-locals re-encodes each function's locals one group per local, as wasm-smith writes
them. Needs the test binary: `cargo test --release --test fuzz_smoke --no-run` prints its path.

  fuzz/tools/reduce_wat.py --bin target/release/deps/fuzz_smoke-... --calls '5=0' \\
      --mode diverge in.wat out.wat
"""
import argparse
import os
import subprocess
import sys
import tempfile


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def read_uleb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def split_locals(m):
    """The module with every function's locals declared one per group."""
    out = bytearray(m[:8])
    i = 8
    while i < len(m):
        sid = m[i]
        size, i = read_uleb(m, i + 1)
        p = m[i : i + size]
        i += size
        if sid == 10:
            n, j = read_uleb(p, 0)
            bodies = []
            for _ in range(n):
                sz, j = read_uleb(p, j)
                body = p[j : j + sz]
                j += sz
                groups, k = read_uleb(body, 0)
                types = []
                for _ in range(groups):
                    c, k = read_uleb(body, k)
                    types += [body[k]] * c
                    k += 1
                nb = uleb(len(types)) + b"".join(b"\x01" + bytes([t]) for t in types) + body[k:]
                bodies.append(uleb(len(nb)) + nb)
            p = uleb(n) + b"".join(bodies)
        out += bytes([sid]) + uleb(len(p)) + p
    return bytes(out)


class Oracle:
    def __init__(self, args):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="reduce-wat-")
        self.runs = 0

    def interesting(self, lines):
        self.runs += 1
        wat = os.path.join(self.dir, "c.wat")
        wasm = os.path.join(self.dir, "c.wasm")
        with open(wat, "w") as f:
            f.write("".join(lines))
        r = subprocess.run(["wat2wasm", "--enable-all", wat, "-o", wasm], capture_output=True)
        if r.returncode != 0:
            return False
        if self.args.split_locals:
            with open(wasm, "rb") as f:
                m = f.read()
            with open(wasm, "wb") as f:
                f.write(split_locals(m))
        env = dict(os.environ, FUZZ_WASM=wasm, FUZZ_CALLS=self.args.calls, FUZZ_DIFF_CONFIG=self.args.config)
        if self.args.mode == "crash":
            env["FUZZ_ORACLE_ONLY"] = "1"
        for _ in range(self.args.tries):
            try:
                r = subprocess.run(
                    [self.args.bin, "compare_script", "--ignored", "--nocapture", "--exact"],
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=self.args.timeout,
                )
            except subprocess.TimeoutExpired:
                return False
            if self.args.mode == "crash":
                # The test binary runs the test on a thread; a SIGSEGV kills the whole process.
                if r.returncode < 0 and -r.returncode in (11, 7):
                    return True
            elif "RESULT DIVERGE" in r.stdout:
                if self.args.require and self.args.require not in r.stdout:
                    return False
                return True
        return False


def delete_chunks(lines, oracle, log):
    """Deletes runs of lines, from half the file down to single lines."""
    chunk = max(1, len(lines) // 2)
    while True:
        progress = False
        i = 0
        while i < len(lines):
            cand = lines[:i] + lines[i + chunk :]
            if cand and oracle.interesting(cand):
                lines = cand
                progress = True
                log(f"chunk {chunk}: {len(lines)} lines ({oracle.runs} runs)")
            else:
                i += chunk
        if chunk == 1 and not progress:
            return lines
        if not progress:
            chunk = max(1, chunk // 2)


def indent(line):
    return len(line) - len(line.lstrip(" "))


def body_end(lines, i):
    """The index after the body that starts below header line i (wasm2wat's flat layout)."""
    h = indent(lines[i])
    j = i + 1
    while j < len(lines) and indent(lines[j]) > h:
        j += 1
    return j


def stub_bodies(lines, oracle, log):
    """Replaces whole bodies (of functions, blocks, loops, if arms) by `unreachable`, which
    type-checks whatever the body has to produce: most of a module is only there to validate."""
    i = 0
    while i < len(lines):
        word = lines[i].strip().split(" ")[0]
        if word in ("(func", "block", "loop", "if", "else"):
            start = i + 1
            while word == "(func" and start < len(lines) and lines[start].strip().startswith("(local"):
                start += 1
            end = body_end(lines, i)
            pad = " " * (indent(lines[i]) + 2)
            # A function's last body line carries the closing parenthesis.
            stub = pad + ("unreachable)\n" if word == "(func" else "unreachable\n")
            if end > start and lines[start:end] != [stub]:
                cand = lines[:start] + [stub] + lines[end:]
                if oracle.interesting(cand):
                    lines = cand
                    log(f"stub: {len(lines)} lines ({oracle.runs} runs)")
        i += 1
    return lines


def reduce(lines, oracle, log):
    while True:
        before = len(lines)
        lines = stub_bodies(lines, oracle, log)
        lines = delete_chunks(lines, oracle, log)
        if len(lines) == before:
            return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the fuzz_smoke test binary")
    ap.add_argument("--calls", required=True, help="FUZZ_CALLS for compare_script")
    ap.add_argument("--config", default="default")
    ap.add_argument("--mode", choices=["diverge", "crash"], default="diverge")
    ap.add_argument("--require", default="", help="diverge mode: text the output must also contain")
    ap.add_argument("--tries", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--split-locals", action="store_true")
    ap.add_argument("input")
    ap.add_argument("output")
    args = ap.parse_args()
    with open(args.input) as f:
        lines = f.readlines()
    oracle = Oracle(args)
    if not oracle.interesting(lines):
        sys.exit("the input is not interesting to begin with")
    out = reduce(lines, oracle, lambda s: print(s, flush=True))
    with open(args.output, "w") as f:
        f.write("".join(out))
    print(f"done: {len(out)} lines after {oracle.runs} runs")


if __name__ == "__main__":
    main()
