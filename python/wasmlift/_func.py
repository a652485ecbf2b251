# Func: calling WebAssembly functions with Python values, and host functions written in
# Python. One ctypes trampoline serves every host function: the env pointer is an id into
# _hosts, and the engine's finalizer for that env removes the entry when the function is gone.
import itertools
import threading
import weakref
from ctypes import byref, create_string_buffer

from . import _ffi as ffi
from ._errors import last_error, new_trap_for_exception, raise_trap
from ._types import FuncType
from ._values import bytes_to_scalar, from_val, release_val, scalar_to_bytes, to_val


class _HostEntry:
    __slots__ = ("callable", "result_kinds", "store_ref")

    def __init__(self, fn, ty, store):
        self.callable = fn
        self.result_kinds = [t.kind for t in ty.results]
        # Weak: the store may hold the function (an instance importing it), and a strong
        # reference back would keep both alive forever. Any call into wasm holds the store.
        self.store_ref = weakref.ref(store)


_hosts = {}
_hosts_lock = threading.Lock()
_host_ids = itertools.count(1)
_fallback_store = None


def live_host_functions():
    """How many host functions the engine still holds (for tests and debugging)."""
    return len(_hosts)


def _store_for(entry):
    global _fallback_store
    store = entry.store_ref()
    if store is None:  # only reachable if the engine calls after the store is gone
        from ._store import Store

        if _fallback_store is None:
            _fallback_store = Store()
        store = _fallback_store
    return store


@ffi.wasm_func_callback_with_env_t
def _trampoline(env, args_ptr, results_ptr):
    entry = _hosts.get(env)
    if entry is None:  # cannot happen while the engine honours the finalizer contract
        return None
    store = _store_for(entry)
    try:
        args = args_ptr.contents
        pyargs = [from_val(store, args.data[i]) for i in range(args.size)]
        out = entry.callable(*pyargs)
        kinds = entry.result_kinds
        if not kinds:
            if out is not None:
                raise TypeError(f"host function {entry.callable!r} has no results but returned {out!r}")
            return None
        if len(kinds) == 1:
            values = (out,)
        else:
            if not isinstance(out, (tuple, list)) or len(out) != len(kinds):
                raise TypeError(f"host function {entry.callable!r} must return a tuple of {len(kinds)} values, got {out!r}")
            values = out
        results = results_ptr.contents
        for i, (kind, value) in enumerate(zip(kinds, values)):
            # References written here are owned by the engine, which releases them.
            to_val(store, kind, value, results.data[i])
        return None
    except BaseException as exc:  # noqa: B902 - every exception becomes a trap, re-raised later
        return new_trap_for_exception(store, exc)


@ffi.finalizer_t
def _finalize_host(env):
    with _hosts_lock:
        _hosts.pop(env, None)


class Func:
    """A WebAssembly function. Func(store, FuncType, callable) makes a host function; exported
    functions come from Instance.exports. Call it with Python values: it returns None, one
    value, or a tuple of values."""

    def __init__(self, store, ty, fn):
        if not isinstance(ty, FuncType):
            raise TypeError(f"expected a FuncType, got {type(ty).__name__}")
        if not callable(fn):
            raise TypeError(f"expected a callable, got {type(fn).__name__}")
        for t in ty.params + ty.results:
            if t.kind == ffi.WASMLIFT_V128:
                raise TypeError("host functions cannot take or return v128 values (wasm_val_t has no v128)")
        env = next(_host_ids)
        with _hosts_lock:
            _hosts[env] = _HostEntry(fn, ty, store)
        ty_ptr = ty._new_c()
        try:
            ptr = ffi.wasm_func_new_with_env(store._ptr, ty_ptr, _trampoline, env, _finalize_host)
        finally:
            ffi.wasm_functype_delete(ty_ptr)
        if not ptr:
            with _hosts_lock:
                _hosts.pop(env, None)
            raise last_error("could not create the host function")
        self._init(store, ptr, ty)

    def _init(self, store, ptr, ty=None):
        self.store = store
        self._ptr = ptr
        self._type = ty
        self._finalizer = weakref.finalize(self, ffi.wasm_func_delete, ptr)

    @classmethod
    def _wrap(cls, store, ptr):
        """Wraps an owned wasm_func_t handle."""
        f = cls.__new__(cls)
        f._init(store, ptr)
        return f

    @property
    def type(self):
        if self._type is None:
            ty_ptr = ffi.wasm_func_type(self._ptr)
            try:
                self._type = FuncType._from_c(ty_ptr)
            finally:
                ffi.wasm_functype_delete(ty_ptr)
        return self._type

    def same(self, other):
        """True when both wrap the same function."""
        return isinstance(other, Func) and ffi.wasm_func_same(self._ptr, other._ptr)

    def _as_extern(self):
        return ffi.wasm_func_as_extern(self._ptr)

    def __repr__(self):
        return f"<wasmlift.Func {self.type!r}>"

    def __call__(self, *args):
        ty = self.type
        params, results = ty.params, ty.results
        if len(args) != len(params):
            raise TypeError(f"function expects {len(params)} arguments, got {len(args)}")
        if any(t.kind == ffi.WASMLIFT_V128 for t in params + results):
            return self._call_v128(args)
        store = self.store
        n, m = len(params), len(results)
        arg_vals = (ffi.wasm_val_t * max(n, 1))()
        res_vals = (ffi.wasm_val_t * max(m, 1))()
        try:
            for i, (t, a) in enumerate(zip(params, args)):
                to_val(store, t.kind, a, arg_vals[i])
            args_vec = ffi.wasm_val_vec_t(n, arg_vals)
            res_vec = ffi.wasm_val_vec_t(m, res_vals)
            trap = ffi.wasm_func_call(self._ptr, byref(args_vec), byref(res_vec))
        finally:
            for i in range(n):
                release_val(arg_vals[i])
        if trap:
            raise_trap(trap, self.store)
        try:
            out = tuple(from_val(store, res_vals[i]) for i in range(m))
        finally:
            for i in range(m):
                release_val(res_vals[i])
        if m == 0:
            return None
        return out[0] if m == 1 else out

    def _call_v128(self, args):
        ty = self.type
        for t in ty.params + ty.results:
            if t.is_ref:
                raise TypeError("functions mixing v128 and reference types cannot be called from Python")
        nslots = max(len(ty.params), len(ty.results), 1)
        buf = create_string_buffer(16 * nslots)
        for i, (t, a) in enumerate(zip(ty.params, args)):
            buf[16 * i : 16 * i + 16] = scalar_to_bytes(t.kind, a)
        trap = ffi.wasmlift_func_call_v128(self._ptr, buf, nslots)
        if trap:
            raise_trap(trap, self.store)
        raw = buf.raw
        out = tuple(bytes_to_scalar(t.kind, raw[16 * i : 16 * i + 16]) for i, t in enumerate(ty.results))
        if not out:
            return None
        return out[0] if len(out) == 1 else out
