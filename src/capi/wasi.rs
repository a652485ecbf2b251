//! The WASI C API (`wasmlift_wasi_*`): a configuration (argv, environment, preopened
//! directories and sockets, stdio), a context made from it, the module's WASI imports as
//! ordinary host functions (built with `wasm_func_new_with_env`) for the import vector of
//! `wasm_instance_new`, binding the instance's exported memory, and reading proc_exit's status
//! back from the trap that ends the guest.
//!
//! Ownership: the context (`wasmlift_wasi_t`) belongs to the embedder. The host functions hold
//! it weakly, so nothing forms a cycle with the store; once the context is deleted, calling
//! one of them traps. Like every object of a store, a context is used on that store's thread.
#![allow(non_camel_case_types)]

use crate::capi::extensions::set_error;
use crate::capi::func::wasm_func_new_with_env;
use crate::capi::memory::{wasm_memory_data, wasm_memory_data_size};
use crate::capi::r#extern::wasm_extern_t;
use crate::capi::r#ref::{wasm_instance_t, wasm_memory_t, wasm_module_t, wasm_trap_t};
use crate::capi::store::wasm_store_t;
use crate::capi::types::{wasm_functype_t, WASM_EXTERN_FUNC, WASM_I32};
use crate::capi::val::{wasm_val_t, wasm_val_union};
use crate::capi::vec::{wasm_byte_vec_t, CVec};
use crate::capi::vecs::{wasm_extern_vec_t, wasm_importtype_vec_t, wasm_val_vec_t};
use crate::runtime::store::StoreRoot;
use crate::runtime::trap::{Trap, TrapRecord};
use crate::types::{FuncType, ValType};
use crate::wasi::config::{dup_fd, open_host_dir, PreopenDir, StdioSetup, WasiConfig};
use crate::wasi::ctx::{BoundMemory, Stop, WasiCtx};
use crate::wasi::memory::GuestMemory;
use crate::wasi::{lookup, Param, WasiFunc, MODULE_NAME};
use std::ffi::{c_char, c_void, CStr};
use std::sync::{Arc, Mutex, Weak};

pub struct wasmlift_wasi_config_t {
    cfg: WasiConfig,
}

pub struct wasmlift_wasi_t {
    ctx: Arc<Mutex<WasiCtx>>,
}

/// # Safety
/// `p` is NULL or a NUL-terminated string that outlives `'a`.
unsafe fn c_str<'a>(p: *const c_char, what: &str) -> Option<&'a CStr> {
    if p.is_null() {
        set_error(&format!("{what} must not be NULL"));
        return None;
    }
    // SAFETY: a non-NULL string argument is NUL-terminated (C API contract, rule 6).
    Some(unsafe { CStr::from_ptr(p) })
}

/// A new, empty configuration: no arguments, no environment, no preopens, stdin empty and
/// stdout/stderr discarded.
#[no_mangle]
pub extern "C" fn wasmlift_wasi_config_new() -> *mut wasmlift_wasi_config_t {
    Box::into_raw(Box::new(wasmlift_wasi_config_t { cfg: WasiConfig::default() }))
}

#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_delete(cfg: *mut wasmlift_wasi_config_t) {
    // SAFETY: NULL or a configuration from wasmlift_wasi_config_new, deleted once (rules 1, 4).
    unsafe { crate::capi::delete_boxed(cfg) }
}

/// Appends one argument (the first is the program name, argv[0]).
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_push_arg(cfg: *mut wasmlift_wasi_config_t, arg: *const c_char) -> bool {
    // SAFETY: `cfg` is NULL or a live configuration, `arg` NULL or a C string (rules 1, 6).
    let (Some(c), Some(arg)) = (unsafe { cfg.as_mut() }, unsafe { c_str(arg, "wasmlift_wasi_config_push_arg: arg") })
    else {
        return false;
    };
    c.cfg.args.push(arg.to_bytes().to_vec());
    true
}

/// Adds the environment variable `name=value`; false if `name` is empty or contains '='.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_push_env(
    cfg: *mut wasmlift_wasi_config_t,
    name: *const c_char,
    value: *const c_char,
) -> bool {
    // SAFETY: `cfg` is NULL or a live configuration (rule 1).
    let Some(c) = (unsafe { cfg.as_mut() }) else { return false };
    // SAFETY: NULL or C strings (rule 6).
    let (Some(name), Some(value)) =
        (unsafe { c_str(name, "environment name") }, unsafe { c_str(value, "environment value") })
    else {
        return false;
    };
    let name = name.to_bytes();
    if name.is_empty() || name.contains(&b'=') {
        set_error("wasmlift_wasi_config_push_env: the name must be non-empty and contain no '='");
        return false;
    }
    let mut var = name.to_vec();
    var.push(b'=');
    var.extend_from_slice(value.to_bytes());
    c.cfg.env.push(var);
    true
}

/// Preopens the host directory `host_path` for the guest as `guest_path` (e.g. "." or
/// "/data"). With `writable` false the guest may only read (no file creation, writing,
/// renaming, deleting, linking or time changes). The directory is opened now; false (with
/// `wasmlift_error_message`) if that fails.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_preopen_dir(
    cfg: *mut wasmlift_wasi_config_t,
    host_path: *const c_char,
    guest_path: *const c_char,
    writable: bool,
) -> bool {
    // SAFETY: `cfg` is NULL or a live configuration (rule 1).
    let Some(c) = (unsafe { cfg.as_mut() }) else { return false };
    // SAFETY: NULL or C strings (rule 6).
    let (Some(host), Some(guest)) =
        (unsafe { c_str(host_path, "host_path") }, unsafe { c_str(guest_path, "guest_path") })
    else {
        return false;
    };
    if guest.to_bytes().is_empty() {
        set_error("wasmlift_wasi_config_preopen_dir: the guest path must not be empty");
        return false;
    }
    match open_host_dir(host) {
        Ok(fd) => {
            c.cfg.dirs.push(PreopenDir { host: fd, guest_path: guest.to_bytes().to_vec(), writable });
            true
        }
        Err(e) => {
            set_error(&format!("cannot preopen directory {}: {e}", host.to_string_lossy()));
            false
        }
    }
}

/// Gives the guest a socket (listening or connected) the embedder opened; it appears after the
/// preopened directories. The fd is duplicated: the caller keeps its own.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_preopen_socket(cfg: *mut wasmlift_wasi_config_t, host_fd: i32) -> bool {
    // SAFETY: `cfg` is NULL or a live configuration (rule 1).
    let Some(c) = (unsafe { cfg.as_mut() }) else { return false };
    match dup_fd(host_fd) {
        Ok(fd) => {
            c.cfg.sockets.push(fd);
            true
        }
        Err(e) => {
            set_error(&format!("cannot preopen socket fd {host_fd}: {e}"));
            false
        }
    }
}

/// # Safety
/// `cfg` is NULL or a live configuration.
unsafe fn set_stdio(cfg: *mut wasmlift_wasi_config_t, which: usize, setup: StdioSetup) -> bool {
    // SAFETY: by this function's contract.
    let Some(c) = (unsafe { cfg.as_mut() }) else { return false };
    match which {
        0 => c.cfg.stdin = setup,
        1 => c.cfg.stdout = setup,
        _ => c.cfg.stderr = setup,
    }
    true
}

/// # Safety
/// `path` is NULL or a NUL-terminated string.
unsafe fn open_stdio_file(path: *const c_char, input: bool) -> Option<std::os::fd::OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: by this function's contract.
    let path = unsafe { c_str(path, "path") }?;
    let flags = libc::O_CLOEXEC | if input { libc::O_RDONLY } else { libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC };
    // SAFETY: `path` is NUL-terminated.
    let fd = unsafe { libc::open(path.as_ptr(), flags, 0o666) };
    if fd < 0 {
        set_error(&format!("cannot open {}: {}", path.to_string_lossy(), std::io::Error::last_os_error()));
        return None;
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    Some(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

/// The guest's stdin, stdout and stderr are the host process's own.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_inherit_stdio(cfg: *mut wasmlift_wasi_config_t) {
    for which in 0..3 {
        // SAFETY: `cfg` is NULL or a live configuration (rule 1).
        unsafe { set_stdio(cfg, which, StdioSetup::Inherit) };
    }
}

/// The guest's stdin reads this host file.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_stdin_file(
    cfg: *mut wasmlift_wasi_config_t,
    path: *const c_char,
) -> bool {
    // SAFETY: `cfg` is NULL or a live configuration, `path` NULL or a C string (rules 1, 6).
    !cfg.is_null()
        && unsafe { open_stdio_file(path, true) }.is_some_and(|fd| unsafe { set_stdio(cfg, 0, StdioSetup::File(fd)) })
}

/// The guest's stdin reads these `len` bytes (copied), then end of file.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_stdin_bytes(
    cfg: *mut wasmlift_wasi_config_t,
    data: *const u8,
    len: usize,
) -> bool {
    if data.is_null() && len > 0 {
        return false;
    }
    // SAFETY: `data` holds `len` readable bytes (rule 6), non-NULL when len > 0 (checked).
    let bytes = if len == 0 { &[][..] } else { unsafe { std::slice::from_raw_parts(data, len) } };
    let mut v = Vec::new();
    if v.try_reserve(len).is_err() {
        set_error("wasmlift_wasi_config_stdin_bytes: out of memory");
        return false;
    }
    v.extend_from_slice(bytes);
    // SAFETY: `cfg` is NULL or a live configuration (rule 1).
    unsafe { set_stdio(cfg, 0, StdioSetup::Bytes(v)) }
}

/// The guest's stdout (`fd` 1) or stderr (`fd` 2) is written to this host file, created or
/// truncated now.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_output_file(
    cfg: *mut wasmlift_wasi_config_t,
    fd: i32,
    path: *const c_char,
) -> bool {
    if cfg.is_null() || !(fd == 1 || fd == 2) {
        return false;
    }
    // SAFETY: `cfg` is a live configuration, `path` NULL or a C string (rules 1, 6).
    unsafe { open_stdio_file(path, false) }.is_some_and(|f| unsafe { set_stdio(cfg, fd as usize, StdioSetup::File(f)) })
}

/// The guest's stdout (`fd` 1) or stderr (`fd` 2) is captured in memory, up to `max_bytes`
/// (past that, writes fail with ENOSPC); read it with `wasmlift_wasi_output`.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_config_output_buffer(
    cfg: *mut wasmlift_wasi_config_t,
    fd: i32,
    max_bytes: usize,
) -> bool {
    if !(fd == 1 || fd == 2) {
        return false;
    }
    // SAFETY: `cfg` is NULL or a live configuration (rule 1).
    unsafe { set_stdio(cfg, fd as usize, StdioSetup::Buffer(max_bytes)) }
}

/// Creates a WASI context from the configuration (which stays the caller's: it can be reused
/// or deleted). NULL with `wasmlift_error_message` on failure.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_new(cfg: *const wasmlift_wasi_config_t) -> *mut wasmlift_wasi_t {
    // SAFETY: `cfg` is NULL or a live configuration (rule 1).
    let Some(c) = (unsafe { cfg.as_ref() }) else {
        set_error("wasmlift_wasi_new: the configuration must not be NULL");
        return std::ptr::null_mut();
    };
    match WasiCtx::new(&c.cfg) {
        Ok(ctx) => Box::into_raw(Box::new(wasmlift_wasi_t { ctx: Arc::new(Mutex::new(ctx)) })),
        Err(e) => {
            set_error(&format!("wasmlift_wasi_new: {e}"));
            std::ptr::null_mut()
        }
    }
}

/// Deletes the context (closing the guest's fds). WASI functions already created from it
/// trap if called afterwards.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_delete(wasi: *mut wasmlift_wasi_t) {
    // SAFETY: NULL or a context from wasmlift_wasi_new, deleted once (rules 1, 4).
    unsafe { crate::capi::delete_boxed(wasi) }
}

/// What each created WASI function carries: the context (weakly), the store (weakly, to build
/// traps) and which function it is.
struct HostEnv {
    ctx: Weak<Mutex<WasiCtx>>,
    store: Weak<StoreRoot>,
    func: &'static WasiFunc,
}

unsafe extern "C" fn drop_env(env: *mut c_void) {
    // SAFETY: `env` is the Box<HostEnv> leaked in `make_func`, released once by the runtime.
    drop(unsafe { Box::from_raw(env as *mut HostEnv) });
}

/// Traps whose reason is proc_exit, with the exit status. Keyed by the trap object itself (a
/// guest cannot forge one: only the WASI host functions register them).
static EXIT_TRAPS: Mutex<Vec<(Weak<TrapRecord>, i32)>> = Mutex::new(Vec::new());

fn register_exit(trap: &Trap, code: i32) {
    let mut list = EXIT_TRAPS.lock().unwrap_or_else(|p| p.into_inner());
    list.retain(|(t, _)| t.strong_count() > 0);
    if list.try_reserve(1).is_ok() {
        list.push((Arc::downgrade(trap), code));
    }
}

unsafe extern "C" fn wasi_trampoline(
    env: *mut c_void,
    args: *const wasm_val_vec_t,
    results: *mut wasm_val_vec_t,
) -> *mut wasm_trap_t {
    // SAFETY: `env` is the HostEnv given at creation, alive as long as the function.
    let env = unsafe { &*(env as *const HostEnv) };
    let Some(store) = env.store.upgrade() else { return std::ptr::null_mut() };
    let trap = |message: String| wasm_trap_t::new_boxed(TrapRecord::new(message), &store);
    let Some(ctx) = env.ctx.upgrade() else {
        return trap(format!("WASI {} called after its wasmlift_wasi_t was deleted", env.func.name));
    };
    let mut raw = [0u64; 9];
    // SAFETY: the runtime passes a vector of exactly the declared parameters.
    let args = match unsafe { args.as_ref() } {
        Some(a) if a.size > 0 && !a.data.is_null() => unsafe { std::slice::from_raw_parts(a.data, a.size) },
        _ => &[],
    };
    for (i, (v, p)) in args.iter().zip(env.func.params).enumerate() {
        // SAFETY: each value has the kind of its declared parameter type, so this is the
        // union field that is set (rule 5; the runtime checked the types).
        raw[i] = match p {
            Param::I32 => (unsafe { v.of.i32 }) as u32 as u64,
            Param::I64 => (unsafe { v.of.i64 }) as u64,
        };
    }
    let outcome = {
        let mut ctx = ctx.lock().unwrap_or_else(|p| p.into_inner());
        let bytes: &mut [u8] = match &ctx.memory {
            Some(m) => {
                // SAFETY: the handle is live (the context owns it).
                let (data, len) = unsafe { (wasm_memory_data(m.0) as *mut u8, wasm_memory_data_size(m.0)) };
                // SAFETY: `len` bytes at `data` are the memory; no wasm code runs and the memory
                // cannot grow during this host call, and no other reference to them exists here.
                if data.is_null() {
                    &mut []
                } else {
                    unsafe { std::slice::from_raw_parts_mut(data, len) }
                }
            }
            None if env.func.needs_memory => {
                return trap(format!(
                    "WASI {} needs the guest's memory: call wasmlift_wasi_bind_instance after instantiating",
                    env.func.name
                ))
            }
            None => &mut [],
        };
        let mut mem = GuestMemory::new(bytes);
        (env.func.run)(&mut ctx, &mut mem, &raw[..env.func.params.len()])
    };
    let errno = match outcome {
        Ok(()) => 0,
        Err(Stop::Errno(e)) => e.0,
        Err(Stop::Exit(code)) => {
            let t = TrapRecord::new(format!("wasi: exit status {code}"));
            register_exit(&t, code as i32);
            return wasm_trap_t::new_boxed(t, &store);
        }
    };
    if env.func.returns_errno {
        // SAFETY: the runtime passes a results vector with room for the declared i32 (rule 2).
        if let Some(r) = unsafe { results.as_mut() } {
            if r.size >= 1 && !r.data.is_null() {
                // SAFETY: checked non-NULL with at least one slot.
                unsafe { r.data.write(wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: errno as i32 } }) };
            }
        }
    }
    std::ptr::null_mut()
}

/// # Safety
/// `store` is NULL or a live store.
unsafe fn make_func(wasi: &wasmlift_wasi_t, store: *mut wasm_store_t, func: &'static WasiFunc) -> *mut wasm_extern_t {
    // SAFETY: by this function's contract.
    let Some(s) = (unsafe { store.as_ref() }) else { return std::ptr::null_mut() };
    let params: Vec<ValType> =
        func.params.iter().map(|p| if *p == Param::I32 { ValType::I32 } else { ValType::I64 }).collect();
    let results: Vec<ValType> = if func.returns_errno { vec![ValType::I32] } else { Vec::new() };
    let ty = wasm_functype_t::from_core(&FuncType::new(params, results));
    let env =
        Box::into_raw(Box::new(HostEnv { ctx: Arc::downgrade(&wasi.ctx), store: Arc::downgrade(&s.store), func }));
    // SAFETY: a live store and type; the trampoline and finalizer match `env`'s type.
    let f = unsafe { wasm_func_new_with_env(store, &*ty, Some(wasi_trampoline), env as *mut c_void, Some(drop_env)) };
    if f.is_null() {
        // SAFETY: creation failed, so the finalizer will not run: the env is still ours.
        drop(unsafe { Box::from_raw(env) });
        return std::ptr::null_mut();
    }
    // SAFETY: `f` is a live function we own; the extern handle is the same object.
    unsafe { crate::capi::r#extern::wasm_func_as_extern(f) }
}

/// Fills `out` (a new vector, one entry per import of `module`, in import order) with WASI
/// functions for the module's `wasi_snapshot_preview1` function imports. Entries for other
/// imports are NULL: set them yourself before `wasm_instance_new`, whose link error names any
/// import still missing (or with the wrong type). The vector owns the entries it holds; delete
/// it with `wasm_extern_vec_delete` after instantiating (set your own entries back to NULL
/// first if you keep ownership of them). False (and an empty vector) on failure.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_define_imports(
    wasi: *const wasmlift_wasi_t,
    store: *mut wasm_store_t,
    module: *const wasm_module_t,
    out: *mut wasm_extern_vec_t,
) -> bool {
    if out.is_null() {
        return false;
    }
    // SAFETY: `out` is writable storage for a vector (rule 2).
    unsafe { out.write(wasm_extern_vec_t::empty()) };
    // SAFETY: each is NULL or a live object (rule 1).
    let (Some(w), Some(_), Some(_)) = (unsafe { wasi.as_ref() }, unsafe { store.as_ref() }, unsafe { module.as_ref() })
    else {
        set_error("wasmlift_wasi_define_imports: wasi, store and module must not be NULL");
        return false;
    };
    let mut imports = wasm_importtype_vec_t::empty();
    // SAFETY: a live module and a vector to fill.
    unsafe { crate::capi::module::wasm_module_imports(module, &mut imports) };
    // SAFETY: the library just filled this vector.
    let import_types = unsafe { imports.as_slice() };
    let mut items: Vec<*mut wasm_extern_t> = Vec::new();
    let mut ok = items.try_reserve(import_types.len()).is_ok();
    if ok {
        for it in import_types {
            // SAFETY: the vector's elements are live import types (or NULL).
            let Some(it) = (unsafe { it.as_ref() }) else {
                items.push(std::ptr::null_mut());
                continue;
            };
            let wanted = it.module_bytes() == MODULE_NAME.as_bytes() && it.ty().kind() == WASM_EXTERN_FUNC;
            let func = if wanted { std::str::from_utf8(it.name_bytes()).ok().and_then(lookup) } else { None };
            let e = match func {
                Some(f) => {
                    // SAFETY: `store` is live (checked above).
                    let e = unsafe { make_func(w, store, f) };
                    if e.is_null() {
                        ok = false;
                    }
                    e
                }
                None => std::ptr::null_mut(),
            };
            items.push(e);
        }
    }
    // SAFETY: the vector was filled by the library and is deleted once.
    unsafe { crate::capi::vec::vec_delete(&mut imports) };
    if !ok {
        for e in items {
            // SAFETY: each is NULL or an extern we created and still own.
            unsafe { crate::capi::r#ref::wasm_extern_delete(e) };
        }
        set_error("wasmlift_wasi_define_imports: could not create the WASI functions");
        return false;
    }
    // SAFETY: `out` is writable storage for a vector (rule 2).
    unsafe { out.write(wasm_extern_vec_t::from_vec(items)) };
    true
}

/// Gives the context the memory its functions read and write. Keeps its own handle.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_bind_memory(wasi: *mut wasmlift_wasi_t, memory: *const wasm_memory_t) -> bool {
    // SAFETY: `wasi` is NULL or a live context (rule 1).
    let (Some(w), false) = (unsafe { wasi.as_ref() }, memory.is_null()) else { return false };
    // SAFETY: `memory` is a live memory (rule 1); the copy is a new handle we own.
    let handle = unsafe { crate::capi::r#ref::wasm_memory_copy(memory) };
    if handle.is_null() {
        return false;
    }
    w.ctx.lock().unwrap_or_else(|p| p.into_inner()).memory = Some(BoundMemory(handle));
    true
}

/// Binds the instance's exported "memory" (what every WASI command exports). False, with
/// `wasmlift_error_message`, if there is none.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_bind_instance(
    wasi: *mut wasmlift_wasi_t,
    instance: *const wasm_instance_t,
) -> bool {
    // SAFETY: each is NULL or a live object (rule 1).
    let (Some(w), Some(i)) = (unsafe { wasi.as_ref() }, unsafe { instance.as_ref() }) else { return false };
    let inst = i.instance();
    let found = inst.export_named("memory");
    let Some(ext @ crate::runtime::instance::Extern::Memory(_)) = found else {
        set_error("wasmlift_wasi_bind_instance: the instance exports no memory named \"memory\"");
        return false;
    };
    let e = wasm_extern_t::boxed(ext, &i.r.store);
    // SAFETY: `e` is a live extern of kind memory that we own; the memory handle is the same
    // object, now owned by the context.
    let m = unsafe { crate::capi::r#extern::wasm_extern_as_memory(e) };
    w.ctx.lock().unwrap_or_else(|p| p.into_inner()).memory = Some(BoundMemory(m));
    true
}

/// Copies what the guest wrote to stdout (`fd` 1) or stderr (`fd` 2) so far into `out` (a new
/// vector), when that stream was configured with `wasmlift_wasi_config_output_buffer`;
/// false otherwise.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_wasi_output(
    wasi: *const wasmlift_wasi_t,
    fd: i32,
    out: *mut wasm_byte_vec_t,
) -> bool {
    if out.is_null() {
        return false;
    }
    // SAFETY: `out` is writable storage for a vector (rule 2).
    unsafe { out.write(wasm_byte_vec_t::empty()) };
    // SAFETY: `wasi` is NULL or a live context (rule 1).
    let Some(w) = (unsafe { wasi.as_ref() }) else { return false };
    let ctx = w.ctx.lock().unwrap_or_else(|p| p.into_inner());
    let capture = match fd {
        1 => ctx.stdout_capture.clone(),
        2 => ctx.stderr_capture.clone(),
        _ => None,
    };
    let Some(c) = capture else { return false };
    let c = c.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: `out` is writable storage for a vector (rule 2).
    unsafe { out.write(wasm_byte_vec_t::from_bytes(&c.data)) };
    true
}

/// True when `trap` ended a guest through proc_exit (or a proc_raise that terminates), with
/// the exit status in `*code`. False for every other trap.
#[no_mangle]
pub unsafe extern "C" fn wasmlift_trap_exit_code(trap: *const wasm_trap_t, code: *mut i32) -> bool {
    // SAFETY: `trap` is NULL or a live trap (rule 1).
    let Some(t) = (unsafe { trap.as_ref() }) else { return false };
    let target = t.trap();
    let list = EXIT_TRAPS.lock().unwrap_or_else(|p| p.into_inner());
    let found = list.iter().find(|(w, _)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(target))).map(|(_, c)| *c);
    match found {
        Some(c) => {
            if !code.is_null() {
                // SAFETY: `code` is writable storage for an int (rule 2).
                unsafe { code.write(c) };
            }
            true
        }
        None => false,
    }
}
