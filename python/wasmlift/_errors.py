# Exceptions (WasmError, LinkError, Trap with frames) and the bridge that carries a Python
# exception raised in a host function through WebAssembly as a trap and re-raises it, with its
# original type and traceback, where the wasm call returns.
import itertools
import threading
from ctypes import byref, string_at

from . import _ffi as ffi


class WasmError(Exception):
    """An error reported by the engine (invalid module, bad text, failed operation)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class LinkError(WasmError):
    """Instantiation failed because an import is missing or has the wrong type."""


class Frame:
    """One WebAssembly frame of a trap's stack trace."""

    __slots__ = ("func_index", "func_offset", "module_offset")

    def __init__(self, func_index, func_offset, module_offset):
        self.func_index = func_index
        self.func_offset = func_offset
        self.module_offset = module_offset

    def __repr__(self):
        return f"Frame(func_index={self.func_index}, func_offset={self.func_offset:#x}, module_offset={self.module_offset:#x})"


class Trap(WasmError):
    """A WebAssembly trap. `.message` is the engine's message, `.frames` the wasm frames
    (innermost first), `.origin` the innermost frame or None."""

    def __init__(self, message, frames=()):
        super().__init__(message)
        self.frames = list(frames)

    @property
    def origin(self):
        return self.frames[0] if self.frames else None

    def __str__(self):
        if not self.frames:
            return self.message
        trace = "\n".join(f"  {i}: func {f.func_index} at module offset {f.module_offset:#x}" for i, f in enumerate(self.frames))
        return f"{self.message}\nwasm backtrace:\n{trace}"


def _frame_from_c(ptr):
    return Frame(ffi.wasm_frame_func_index(ptr), ffi.wasm_frame_func_offset(ptr), ffi.wasm_frame_module_offset(ptr))


def trap_message(trap_ptr):
    out = ffi.wasm_byte_vec_t()
    ffi.wasm_trap_message(trap_ptr, byref(out))
    try:
        raw = string_at(out.data, out.size) if out.size else b""
    finally:
        ffi.wasm_byte_vec_delete(byref(out))
    return raw.rstrip(b"\0").decode("utf-8", "replace")


def trap_frames(trap_ptr):
    vec = ffi.wasm_frame_vec_t()
    ffi.wasm_trap_trace(trap_ptr, byref(vec))
    try:
        return [_frame_from_c(vec.data[i]) for i in range(vec.size)]
    finally:
        ffi.wasm_frame_vec_delete(byref(vec))


# --- host exceptions carried through wasm ---
#
# A host function that raises gets a trap whose host info is a fresh id; the exception waits
# in _pending under that id. The id survives the trip through wasm (host info belongs to the
# trap object, not to a handle), so the caller finds the exception again when the call returns
# the trap. A finalizer on the host info drops the entry if the trap is never seen by Python
# (it may run on whichever thread frees the trap, hence a locked dict rather than a
# thread-local).
_pending = {}
_pending_lock = threading.Lock()
_ids = itertools.count(1)


@ffi.finalizer_t
def _drop_pending(info):
    with _pending_lock:
        _pending.pop(info, None)


def new_trap_for_exception(store_ptr, exc):
    """A new trap (owned) carrying `exc`; returned to the engine by a host function."""
    text = f"host function raised {type(exc).__name__}: {exc}".encode("utf-8", "replace")
    msg = ffi.wasm_byte_vec_t()
    ffi.wasm_byte_vec_new(byref(msg), len(text), text)
    trap = ffi.wasm_trap_new(store_ptr, byref(msg))
    ffi.wasm_byte_vec_delete(byref(msg))
    if trap:
        key = next(_ids)
        with _pending_lock:
            _pending[key] = exc
        ffi.wasm_trap_set_host_info_with_finalizer(trap, key, _drop_pending)
    return trap


def raise_trap(trap_ptr):
    """Consumes an owned trap handle and raises: the host exception it carries, if any (with
    its original traceback), else a Trap."""
    try:
        key = ffi.wasm_trap_get_host_info(trap_ptr)
        exc = None
        if key:
            with _pending_lock:
                exc = _pending.pop(key, None)
        if exc is None:
            err = Trap(trap_message(trap_ptr), trap_frames(trap_ptr))
    finally:
        ffi.wasm_trap_delete(trap_ptr)
    if exc is not None:
        raise exc
    raise err


def last_error(default):
    """A WasmError with the engine's last message (or `default` when there is none)."""
    return WasmError(ffi.error_message() or default)
