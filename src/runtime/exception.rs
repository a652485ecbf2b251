//! Exception handling at run time: tags, exception objects, and the unwinder behind `throw`,
//! `throw_ref` and exceptions a host callback hands back to calling wasm code.
//!
//! Compiled code turns every call inside a `try_table` into a Cranelift `try_call` whose
//! exceptional edge leads to one handler block per `try_table`; that block compares the thrown
//! tag with the catch clauses and rethrows when none matches. The compiler records each such
//! call (return address, handler address, frame size) in `CompiledFunction::handlers`.
//!
//! Throwing is a call of a small assembly stub (wasm `Tail` convention) that captures the
//! caller's return address and frame pointer and enters `unwind`, which walks the wasm frames by
//! frame pointer up to the innermost host → wasm entry. At the first return address with a
//! handler it resumes there: stack and frame pointer of that frame restored, the exnref in the
//! first payload register (Cranelift's exception ABI: all registers are clobbered on the
//! exceptional edge, so nothing else needs restoring). Without one, the activation ends like a
//! trap whose record carries the exception, which is how an exception crosses a host frame:
//! the host function's `HostInvoke` sees it in the trap its callback returns and the host
//! trampoline throws it on.

use super::host_info::HostInfo;
use super::instance::WasmInstance;
use super::trap::{Trap, TrapRecord};
use super::type_registry::TypeRef;
use crate::abi::traps::TrapKind;
use crate::abi::vmctx::{VMException, VMVal};
use crate::types::FuncType;
use std::sync::Arc;

/// An exception tag: its identity is the address of this object (what compiled code compares).
pub struct WasmTag {
    /// The payload's types (`params`; a tag has no results).
    pub ty: FuncType,
    /// Engine-wide id of `ty` (import matching compares it).
    pub type_id: u32,
    _type_ref: TypeRef,
    pub store_id: u64,
    /// How messages name it: `"name"` when its module exports it, else `index N`, or
    /// `created by the host`.
    pub name: String,
    pub host_info: HostInfo,
}

impl WasmTag {
    /// A new tag whose payload type `ty` has the canonical id held by `type_ref` (a module's
    /// type for tags it defines, so that import matching compares canonical ids).
    pub fn new(store_id: u64, ty: FuncType, type_ref: TypeRef, name: String) -> Arc<WasmTag> {
        let type_id = type_ref.id();
        Arc::new(WasmTag { ty, type_id, _type_ref: type_ref, store_id, name, host_info: HostInfo::default() })
    }

    /// What compiled code compares: the tag's address.
    pub fn identity(self: &Arc<Self>) -> *const u8 {
        Arc::as_ptr(self) as *const u8
    }
}

/// A thrown exception. An exnref is the address of this object, whose first field is what
/// compiled code reads (tag identity, payload pointer). Owned by its store's collector while
/// wasm may reach an exnref to it (gc/owners.rs) and by traps and handles that carry it.
#[repr(C)]
pub struct ExnObject {
    vm: VMException,
    pub tag: Arc<WasmTag>,
    payload: Box<[VMVal]>,
    pub store_id: u64,
    /// Already kept by its store (`StoreState::keep_exception`).
    kept: std::sync::atomic::AtomicBool,
    pub host_info: HostInfo,
}

// SAFETY: the raw pointers in `vm` point at `tag` and `payload`, owned by this immutable object.
unsafe impl Send for ExnObject {}
unsafe impl Sync for ExnObject {}

impl ExnObject {
    /// A new exception of `tag` with `payload` (one slot per parameter of the tag's type).
    pub fn new(tag: Arc<WasmTag>, payload: Box<[VMVal]>) -> Arc<ExnObject> {
        let vm = VMException { tag: tag.identity(), values: payload.as_ptr(), exposed: Default::default() };
        let store_id = tag.store_id;
        Arc::new(ExnObject { vm, tag, payload, store_id, kept: Default::default(), host_info: HostInfo::default() })
    }

    /// True the first time only: whoever gets true has the store keep the object.
    pub fn mark_kept(&self) -> bool {
        !self.kept.swap(true, std::sync::atomic::Ordering::Relaxed)
    }

    /// After the store let go of it (it may be kept again later, e.g. when a host
    /// function returns a trap that carries it).
    pub fn unmark_kept(&self) {
        self.kept.store(false, std::sync::atomic::Ordering::Relaxed);
    }

    /// An exnref to this exception becomes a value the host or wasm may keep: the store must
    /// own it until the store goes. (Compiled code sets the same flag in `_ref` catches.)
    pub fn expose(&self) {
        self.vm.exposed.store(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn is_exposed(&self) -> bool {
        self.vm.exposed.load(std::sync::atomic::Ordering::Relaxed) != 0
    }

    pub fn payload(&self) -> &[VMVal] {
        &self.payload
    }

    /// The exnref bits of this exception.
    pub fn exnref(self: &Arc<Self>) -> usize {
        Arc::as_ptr(self) as usize
    }

    /// The exception behind exnref bits produced by compiled code.
    ///
    /// # Safety
    /// `bits` must be a non-null exnref of a live store, read from where the store's collector
    /// keeps it alive (a root, or a value in flight with no collection since).
    pub unsafe fn from_exnref(bits: usize) -> Arc<ExnObject> {
        let p = bits as *const ExnObject;
        // SAFETY: an exnref is `Arc::as_ptr` of an object the store keeps (the caller's
        // obligation); one more count makes the returned Arc own it.
        unsafe {
            Arc::increment_strong_count(p);
            Arc::from_raw(p)
        }
    }

    /// The message of the trap this exception becomes when nothing catches it.
    pub fn uncaught_message(&self) -> String {
        format!("uncaught exception: tag {}", self.tag.name)
    }
}

/// Has `exn` kept by its store while wasm may reach it (exnrefs are plain pointers).
fn keep_in_store(inst: &WasmInstance, exn: &Arc<ExnObject>) {
    inst.store.keep_exception(exn.clone());
}

/// The trap an uncaught exception ends an activation with.
pub fn uncaught_trap(exn: Arc<ExnObject>) -> Trap {
    TrapRecord::with_exception(exn.uncaught_message(), exn)
}

// ---------------------------------------------------------------- stubs

extern "C" {
    /// `throw` (builtin): `(vmctx, tag_index: u32, values: *const VMVal)`; never returns.
    pub fn wasmlift_throw_stub(vmctx: *mut u8, tag: u32, values: usize);
    /// `throw_ref` (builtin) and host trampolines: `(vmctx or host ctx, exnref)`; never returns.
    pub fn wasmlift_throw_ref_stub(vmctx: *mut u8, exn: usize);
    /// Continues at `pc` with the given stack and frame pointers and `exn` in the first payload
    /// register.
    fn wasmlift_resume(pc: usize, sp: usize, fp: usize, exn: usize) -> !;
}

// The stubs are entered by a call from compiled code (wasm `Tail` convention; its first six
// integer arguments use the same registers as the C convention). They add the return address
// and the caller's frame pointer (unchanged: no frame of their own) as further arguments and
// jump, so the Rust function runs with the stack exactly as after a call from the wasm frame.
#[cfg(target_arch = "x86_64")]
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl wasmlift_throw_stub",
    ".hidden wasmlift_throw_stub",
    "wasmlift_throw_stub:",
    "mov rcx, [rsp]",
    "mov r8, rbp",
    "jmp {throw}",
    ".p2align 4",
    ".globl wasmlift_throw_ref_stub",
    ".hidden wasmlift_throw_ref_stub",
    "wasmlift_throw_ref_stub:",
    "mov rdx, [rsp]",
    "mov rcx, rbp",
    "jmp {throw_ref}",
    ".p2align 4",
    ".globl wasmlift_resume",
    ".hidden wasmlift_resume",
    "wasmlift_resume:",
    "mov rsp, rsi",
    "mov rbp, rdx",
    "mov rax, rcx",
    "xor edx, edx",
    "jmp rdi",
    throw = sym throw_entry,
    throw_ref = sym throw_ref_entry,
);

#[cfg(target_arch = "aarch64")]
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl wasmlift_throw_stub",
    ".hidden wasmlift_throw_stub",
    "wasmlift_throw_stub:",
    "mov x3, x30",
    "mov x4, x29",
    "b {throw}",
    ".p2align 4",
    ".globl wasmlift_throw_ref_stub",
    ".hidden wasmlift_throw_ref_stub",
    "wasmlift_throw_ref_stub:",
    "mov x2, x30",
    "mov x3, x29",
    "b {throw_ref}",
    ".p2align 4",
    ".globl wasmlift_resume",
    ".hidden wasmlift_resume",
    "wasmlift_resume:",
    "mov sp, x1",
    "mov x29, x2",
    "mov x4, x0",
    "mov x0, x3",
    "mov x1, xzr",
    "br x4",
    throw = sym throw_entry,
    throw_ref = sym throw_ref_entry,
);

/// Address of the stub host trampolines call to throw an exception on (see `Compiler`).
pub fn rethrow_stub_address() -> usize {
    wasmlift_throw_ref_stub as *const () as usize
}

/// `throw tag` from compiled code: builds the exception from the payload at `values` and
/// unwinds with it.
///
/// # Safety
/// Entered only through `wasmlift_throw_stub` from compiled code of the live instance owning
/// `vmctx`, with `values` holding one slot per parameter of the tag's type; `pc`/`fp` are the
/// stub's return address and the calling frame's frame pointer.
unsafe extern "C" fn throw_entry(vmctx: *mut u8, tag_index: u32, values: *const VMVal, pc: usize, fp: usize) -> ! {
    let exn_bits = {
        // SAFETY: compiled code passes its own instance's vmctx (alive during the call).
        let inst = unsafe { WasmInstance::borrow_vmctx(vmctx) };
        let tag = inst.tags[tag_index as usize].clone();
        let n = tag.ty.params.len();
        // SAFETY: the compiled caller stored `n` slots at `values` (validated tag type).
        let payload: Box<[VMVal]> = unsafe { std::slice::from_raw_parts(values, n) }.into();
        let exn = ExnObject::new(tag, payload);
        // Its payload's references stay alive as long as the exception does.
        inst.store.gc_heap.lock().unwrap_or_else(|e| e.into_inner()).register_exception(&exn);
        keep_in_store(inst, &exn);
        exn.exnref()
        // Everything owned here is dropped before unwinding skips this frame.
    };
    // SAFETY: the store keeps the exception alive (no collection frees anything while wasm
    // runs); pc/fp are the caller's (contract).
    unsafe { unwind(exn_bits, pc, fp) }
}

/// `throw_ref` from compiled code (null already checked there), or a host trampoline throwing
/// on the exception its callback returned.
///
/// # Safety
/// Entered only through `wasmlift_throw_ref_stub`, with a live exnref of the running store.
unsafe extern "C" fn throw_ref_entry(_ctx: *mut u8, exn: usize, pc: usize, fp: usize) -> ! {
    // SAFETY: the caller's obligation.
    unsafe { unwind(exn, pc, fp) }
}

/// Looks for a handler from the frame of `fp` (called at return address `pc`) outwards and
/// resumes there; without one, ends the activation with an "uncaught exception" trap.
///
/// # Safety
/// `exn` is a live exnref of the running store; `pc`/`fp` describe a frame of wasm code (or a
/// host trampoline) of the innermost activation on this thread; no Rust frame between the
/// entry and here owns anything to drop.
unsafe fn unwind(exn: usize, pc: usize, fp: usize) -> ! {
    let (bottom, top) = super::signals::activation_bounds().expect("exception thrown outside wasm");
    let (throw_pc, throw_fp) = (pc, fp);
    let (mut pc, mut cur_fp) = (pc, fp);
    loop {
        if let Some((handler, frame_offset)) = super::code_registry::handler_at(pc) {
            // SAFETY: `handler` is the landing pad of the try_call returning to `pc` in the
            // frame `cur_fp`; Cranelift's exception ABI expects exactly this stack pointer, this
            // frame pointer and the payload in the first payload register.
            unsafe { wasmlift_resume(handler, cur_fp - frame_offset, cur_fp, exn) }
        }
        if cur_fp < bottom || cur_fp >= top || cur_fp % std::mem::align_of::<usize>() != 0 {
            break;
        }
        // SAFETY: `cur_fp` is an aligned frame pointer of this activation, inside its stack
        // range; compiled code keeps frame pointers (saved FP, then the return address).
        let (next_pc, next_fp) = unsafe { (*((cur_fp + 8) as *const usize), *(cur_fp as *const usize)) };
        // Frames above a wasm function are wasm functions or the entry trampoline (the end).
        if !super::code_registry::is_wasm_function(next_pc.wrapping_sub(1)) || next_fp <= cur_fp {
            break;
        }
        pc = next_pc;
        cur_fp = next_fp;
    }
    {
        // SAFETY: the caller's obligation.
        let exn = unsafe { ExnObject::from_exnref(exn) };
        super::func::set_pending(uncaught_trap(exn));
    }
    // SAFETY: called from wasm on this thread with the calling frame's pc/fp; nothing owned is
    // left in this frame.
    unsafe { super::signals::raise_at(TrapKind::HostTrap, throw_pc, throw_fp) }
}
