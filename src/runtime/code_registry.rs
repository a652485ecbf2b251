//! Process-wide registry of compiled code ranges, read by the signal handler to decide whether
//! a faulting PC is a wasm trap, and by trap reporting to map PCs to functions and offsets.

use crate::abi::compiled::{CompiledCode, INLINED_LOC};
use crate::abi::traps::TrapKind;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

/// What a registered range holds.
struct Entry {
    /// The registration's own number: a range can only be unregistered by the registration
    /// that made it, never by an older one that happened to start at the same address.
    id: u64,
    end: usize,
    code: Arc<CompiledCode>,
    /// True for module code (wasm functions); false for standalone trampolines.
    is_module: bool,
    /// For module code: function-body start offsets in the binary, per defined function, and the
    /// number of imported functions (to turn defined indices into function indices).
    body_starts: Arc<[u32]>,
    num_imported_funcs: u32,
    /// Identifies the module the code belongs to (its main code's base address): a module's
    /// lazily compiled functions live in code blocks of their own.
    module_key: usize,
}

static REGISTRY: RwLock<BTreeMap<usize, Entry>> = RwLock::new(BTreeMap::new());

/// The thread holding the registry's write lock (`pthread_self`), 0 when none: lets a reader in a
/// signal handler tell "another thread is updating the registry, wait" from "this very thread
/// faulted while updating it" (which is not a wasm trap, and waiting would never end).
static WRITER: AtomicUsize = AtomicUsize::new(0);

fn this_thread() -> usize {
    // SAFETY: pthread_self has no preconditions (and is async-signal-safe).
    unsafe { libc::pthread_self() as usize }
}

/// Runs `f` on the map under the write lock, marked as this thread's.
fn write<R>(f: impl FnOnce(&mut BTreeMap<usize, Entry>) -> R) -> R {
    let mut map = REGISTRY.write().unwrap_or_else(|e| e.into_inner());
    WRITER.store(this_thread(), Ordering::SeqCst);
    let r = f(&mut map);
    WRITER.store(0, Ordering::SeqCst);
    r
}

/// Numbers registrations (see `Entry::id`).
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Unregisters its range when dropped.
pub struct Registration {
    start: usize,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        // The entry (possibly the last owner of the code) is dropped after the lock is released.
        let entry = write(|map| match map.get(&self.start) {
            Some(e) if e.id == self.id => map.remove(&self.start),
            _ => None,
        });
        drop(entry);
    }
}

///
/// For module code, `body_starts` and `num_imported_funcs` turn positions into function indices
/// (`num_imported_funcs` + position in `code.functions`) and body offsets; `module_key` names the
/// module in frames (see `FrameInfo::module_key`).
pub fn register(
    code: Arc<CompiledCode>,
    is_module: bool,
    body_starts: Arc<[u32]>,
    num_imported_funcs: u32,
    module_key: usize,
) -> Registration {
    let start = code.code.base() as usize;
    let end = start + code.code.len();
    let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let entry = Entry { id, end, code, is_module, body_starts, num_imported_funcs, module_key };
    let old = write(|map| map.insert(start, entry));
    drop(old);
    Registration { start, id }
}

/// Runs `f` on the entry containing `pc`. The signal handler calls this, so it never blocks in
/// the lock: while another thread holds the write lock (only for a map insert/remove, but it
/// may be preempted there for a while) it spins and then yields until the lock is free. Giving
/// up instead would turn a wasm trap that happens while another thread compiles or drops a
/// module into a fault forwarded to the default action (the process dies). Only when this
/// thread itself is the writer (a fault inside the registry update) is there nothing to wait for.
fn with_entry<R>(pc: usize, f: impl FnOnce(&Entry) -> R) -> Option<R> {
    let mut attempts: u64 = 0;
    loop {
        match REGISTRY.try_read() {
            Ok(map) => {
                let (_, entry) = map.range(..=pc).next_back()?;
                return if pc < entry.end { Some(f(entry)) } else { None };
            }
            Err(std::sync::TryLockError::Poisoned(p)) => {
                let map = p.into_inner();
                let (_, entry) = map.range(..=pc).next_back()?;
                return if pc < entry.end { Some(f(entry)) } else { None };
            }
            Err(std::sync::TryLockError::WouldBlock) => {
                if WRITER.load(Ordering::SeqCst) == this_thread() {
                    return None;
                }
                attempts += 1;
                if attempts < 1000 {
                    std::hint::spin_loop();
                } else {
                    // SAFETY: a raw system call without preconditions, safe in a signal handler.
                    unsafe { libc::sched_yield() };
                }
            }
        }
    }
}

/// Finds the function containing code offset `off`.
fn function_at(code: &CompiledCode, off: u32) -> Option<usize> {
    let i = code.functions.partition_point(|f| f.offset <= off);
    if i == 0 {
        return None;
    }
    let f = &code.functions[i - 1];
    (off < f.offset + f.len).then_some(i - 1)
}

/// The trap kind of the trapping instruction at `pc`, if `pc` is a trap site of compiled code.
pub fn trap_at(pc: usize) -> Option<TrapKind> {
    with_entry(pc, |e| {
        let off = (pc - e.code.code.base() as usize) as u32;
        let fi = function_at(&e.code, off)?;
        let f = &e.code.functions[fi];
        let rel = off - f.offset;
        let i = f.traps.binary_search_by_key(&rel, |t| t.offset).ok()?;
        Some(f.traps[i].kind)
    })
    .flatten()
}

/// True when `pc` lies inside a wasm function of a module (not a trampoline).
pub fn is_wasm_function(pc: usize) -> bool {
    with_entry(pc, |e| e.is_module && function_at(&e.code, (pc - e.code.code.base() as usize) as u32).is_some())
        .unwrap_or(false)
}

/// Where a PC is in wasm terms.
#[derive(Clone, Copy, Debug)]
pub struct FrameInfo {
    pub func_index: u32,
    /// Offset of the operator in the module binary.
    pub module_offset: usize,
    /// Offset of the operator from the start of its function body.
    pub func_offset: usize,
    /// The module the code belongs to (the `module_key` it was registered with: the base
    /// address of the module's main code).
    pub module_key: usize,
}

/// Maps the PC of a wasm frame (the trapping instruction, or a return address) to wasm terms:
/// one frame, or, in code inlined from other functions, one per inlined function (innermost
/// first) followed by the physical function's frame at the call site (see compiler/inline.rs).
pub fn frame_info(pc: usize, is_return_address: bool) -> Vec<FrameInfo> {
    let lookup = if is_return_address { pc - 1 } else { pc };
    with_entry(lookup, |e| {
        let mut frames = Vec::new();
        if !e.is_module {
            return frames;
        }
        let base = e.code.code.base() as usize;
        let off = (lookup - base) as u32;
        let Some(fi) = function_at(&e.code, off) else { return frames };
        let f = &e.code.functions[fi];
        let rel = off - f.offset;
        let i = f.address_map.partition_point(|(o, _)| *o <= rel);
        let body_start = e.body_starts.get(fi).copied().unwrap_or(0) as usize;
        let mut loc = if i == 0 { body_start as u32 } else { f.address_map[i - 1].1 };
        // Entries only point at earlier ones (checked when deserializing), so this ends; the
        // bound is a second guard.
        while loc & INLINED_LOC != 0 && frames.len() <= f.inlined.len() {
            let Some(inl) = f.inlined.get((loc & !INLINED_LOC) as usize) else { break };
            frames.push(FrameInfo {
                func_index: inl.func_index,
                module_offset: inl.module_offset as usize,
                func_offset: inl.func_offset as usize,
                module_key: e.module_key,
            });
            loc = inl.outer;
        }
        let module_offset = (loc & !INLINED_LOC) as usize;
        frames.push(FrameInfo {
            func_index: e.num_imported_funcs + fi as u32,
            module_offset,
            func_offset: module_offset.saturating_sub(body_start),
            module_key: e.module_key,
        });
        frames
    })
    .unwrap_or_default()
}

/// The exception handler of the call whose return address is `ret`, if that call lies inside a
/// `try_table` of a wasm function: (address of the handler, frame pointer minus the stack
/// pointer to resume with).
pub fn handler_at(ret: usize) -> Option<(usize, usize)> {
    // The call instruction ends at `ret`; the byte before it lies inside the calling function.
    let lookup = ret.checked_sub(1)?;
    with_entry(lookup, |e| {
        if !e.is_module {
            return None;
        }
        let base = e.code.code.base() as usize;
        let fi = function_at(&e.code, (lookup - base) as u32)?;
        let f = &e.code.functions[fi];
        let rel = (ret - base) as u32 - f.offset;
        let i = f.handlers.binary_search_by_key(&rel, |h| h.ret_offset).ok()?;
        let h = f.handlers[i];
        Some((base + f.offset as usize + h.handler_offset as usize, h.frame_offset as usize))
    })
    .flatten()
}

/// The live GC references of the wasm frame whose call returns to `ret`: calls `f` with the
/// frame's size (frame pointer minus stack pointer at the call) and the stack-pointer offsets
/// of the slots holding them. Returns false when `ret` is not a return address inside a wasm
/// function (the frame walk ends there); a wasm call site without references calls nothing.
pub fn stack_map_at(ret: usize, f: impl FnOnce(u32, &[u32])) -> bool {
    // The call instruction ends at `ret`; the byte before it lies inside the calling function.
    let Some(lookup) = ret.checked_sub(1) else { return false };
    with_entry(lookup, |e| {
        if !e.is_module {
            return false;
        }
        let base = e.code.code.base() as usize;
        let Some(fi) = function_at(&e.code, (lookup - base) as u32) else { return false };
        let func = &e.code.functions[fi];
        let rel = (ret - base) as u32 - func.offset;
        if let Ok(i) = func.stack_maps.binary_search_by_key(&rel, |m| m.ret_offset) {
            let m = &func.stack_maps[i];
            f(m.frame_size, &m.slots);
        }
        true
    })
    .unwrap_or(false)
}
