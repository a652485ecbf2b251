//! Trap handling: process-wide signal handlers that turn faults in compiled code into traps,
//! the per-thread state of host → wasm entries, and unwinding back to the innermost entry.
//!
//! A fault (SIGSEGV/SIGBUS from a guard page, SIGILL from a Cranelift trap instruction, SIGFPE
//! from a hardware divide) whose PC lies in registered wasm code is recorded in thread-local
//! state (trap kind, PC and frame-pointer chain, no allocation) and unwound (`wasmlift_unwind`)
//! to the innermost entry. Any other fault goes to the handler that was
//! installed before ours. The handler takes no lock that a fault could deadlock on: the code
//! registry is read with `try_read` and a bounded spin.

use super::code_registry;
use crate::abi::traps::TrapKind;
use crate::abi::vmctx::{EntryTrampoline, VMVal};
use std::cell::Cell;
use std::sync::Once;

#[cfg(not(target_arch = "x86_64"))]
extern "C" {
    fn wasmlift_catch_traps(
        jmp_slot: *mut *mut u8,
        f: EntryTrampoline,
        callee_vmctx: *mut u8,
        callee_code: *const u8,
        values: *mut VMVal,
    ) -> i32;
}
extern "C" {
    fn wasmlift_unwind(jmp: *mut u8) -> !;
}

// The entry and the unwind on x86-64 (System V), in place of setjmp/longjmp (unwind.c, used on
// other targets). A trap needs back only what the entry's caller may rely on: the callee-saved
// registers and the stack pointer. The entry (`call_entry`, inline assembly in the Rust
// function that enters) declares r12-r15 clobbered, so the compiler keeps nothing there across
// it, and pushes rbx and rbp itself (Rust cannot name them as clobbered), then the address of
// its resume point; the stack pointer at that point is the one-word jump buffer. The unwind
// sets the stack pointer to the buffer and returns: into the entry's resume point, which pops
// rbx and rbp as on the normal way out. No call of a separate entry function, no pointer
// mangling, no signal mask bookkeeping (the handler is installed with SA_NODEFER, as for
// _longjmp).
//
// wasmlift_unwind(jmp) jumps back to the entry whose buffer `jmp` is, which then yields 0.
#[cfg(target_arch = "x86_64")]
std::arch::global_asm!(
    ".text",
    ".p2align 4",
    ".globl wasmlift_unwind",
    ".hidden wasmlift_unwind",
    ".type wasmlift_unwind, @function",
    "wasmlift_unwind:",
    ".cfi_startproc",
    "mov rsp, rdi",
    "xor eax, eax",
    "ret",
    ".cfi_endproc",
    ".size wasmlift_unwind, . - wasmlift_unwind",
);

/// Calls the entry trampoline `f(callee_vmctx, callee_code, values)` with a jump buffer in
/// `*jmp_slot` for the time of the call: 1 when `f` returned, 0 when a trap unwound to it.
///
/// # Safety
/// As `catch_traps`; `jmp_slot` is this thread's jump-buffer slot.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn call_entry(
    jmp_slot: *mut *mut u8,
    f: EntryTrampoline,
    callee_vmctx: *mut u8,
    callee_code: *const u8,
    values: *mut VMVal,
) -> u32 {
    let ok: u32;
    // The jump slot and `f` come in fixed registers: rax is overwritten before they are used.
    // SAFETY: the stack is 16-byte aligned on entry to the asm (no `nostack`), so after three
    // pushes and 8 bytes it is aligned again for the call. Every register `f` (System V) or a
    // trap may change is declared: the caller-saved ones by the clobber ABI, r12-r15 as
    // outputs; rbx and rbp are saved and restored here. On the normal way out the resume
    // address and the alignment word are dropped; the unwind (`wasmlift_unwind`) returns to
    // label 2 with eax = 0 and the stack pointer just above the resume address. Compiled code
    // and trampolines only use stack below this point, so the pushed words survive a trap.
    unsafe {
        std::arch::asm!(
            "push rbx",
            "push rbp",
            "sub rsp, 8",
            "lea rax, [rip + 2f]",
            "push rax",
            "mov qword ptr [r8], rsp",
            "call rcx",
            "mov eax, 1",
            "add rsp, 8",
            "2:",
            "add rsp, 8",
            "pop rbp",
            "pop rbx",
            in("r8") jmp_slot,
            in("rcx") f,
            in("rdi") callee_vmctx,
            in("rsi") callee_code,
            in("rdx") values,
            lateout("eax") ok,
            out("r12") _,
            out("r13") _,
            out("r14") _,
            out("r15") _,
            clobber_abi("C"),
        );
    }
    ok
}

/// `call_entry` elsewhere: the C helper with setjmp (unwind.c).
///
/// # Safety
/// As for x86-64.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
unsafe fn call_entry(
    jmp_slot: *mut *mut u8,
    f: EntryTrampoline,
    callee_vmctx: *mut u8,
    callee_code: *const u8,
    values: *mut VMVal,
) -> u32 {
    // SAFETY: the caller's obligations.
    unsafe { wasmlift_catch_traps(jmp_slot, f, callee_vmctx, callee_code, values) as u32 }
}

/// Most wasm frames recorded for one trap's trace.
pub const MAX_TRACE: usize = 128;

/// What the handler saw, copied out after the jump back.
#[derive(Clone, Copy)]
struct Fault {
    kind: TrapKind,
    frame_count: usize,
}

/// Everything a thread needs to enter wasm, in one thread-local block so that a call pays for
/// one thread-local look-up. All zero at thread start (no initialiser runs) and without a
/// destructor: the signal handler may read it on any thread.
struct ThreadState {
    /// Jump buffer of the innermost active entry (null when no wasm runs on this thread). It
    /// lies on the stack between the entry's caller and the entry trampoline, so it is also
    /// the upper bound of the activation's wasm frames: frame walks never go above it.
    jmp_buf: Cell<*mut u8>,
    /// Stack limit computed at the outermost entry of this thread.
    stack_limit: Cell<usize>,
    /// What `stack_limit` was computed from: `!(entry address - max_stack)` (saturating), so
    /// that an outermost entry from the same depth, as in a loop of calls, reuses it; the
    /// initial 0 matches no entry (the subtraction never yields usize::MAX).
    stack_limit_key: Cell<usize>,
    /// Lowest stack limit wasm may be given on this thread (see `prepare_thread`); 0 until
    /// the thread is set up for wasm (signal stack, stack bounds).
    stack_floor: Cell<usize>,
    /// The embedder's handles that running calls borrow from, innermost first (see
    /// `catch_traps_and_release`); null when none.
    borrowed: Cell<*const BorrowNode>,
    /// `DEFERRED` holds something (see `defer_drop`).
    deferred: Cell<bool>,
}

/// What the signal handler saw at a trap, until the entry it unwinds to copies it out.
struct TrapState {
    fault: Cell<Option<Fault>>,
    trace: Cell<[usize; MAX_TRACE]>,
}

// On x86-64 Linux the block is a TLS symbol of our own, reached through a TLS descriptor
// (`state`): where the library's TLS sits in the static block (it was loaded with the program,
// or glibc found room when it was dlopen-ed) the look-up is two instructions in the resolver and
// two here, where Rust's `thread_local!` in a shared library calls `__tls_get_addr` behind a
// wrapper (about 20 instructions on every call into wasm). The linker relaxes the sequence in
// executables (tests). All-zero bytes are a valid `ThreadState`: null pointers, zeros, false.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
std::arch::global_asm!(
    ".section .tbss,\"awT\",@nobits",
    ".p2align 6",
    ".globl wasmlift_thread_state",
    ".hidden wasmlift_thread_state",
    ".type wasmlift_thread_state, @tls_object",
    ".size wasmlift_thread_state, 64",
    "wasmlift_thread_state:",
    ".zero 64",
    ".text",
);
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
const _: () = assert!(std::mem::size_of::<ThreadState>() <= 64 && std::mem::align_of::<ThreadState>() <= 64);

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
thread_local! {
    static STATE: ThreadState = const {
        ThreadState {
            jmp_buf: Cell::new(std::ptr::null_mut()),
            stack_limit: Cell::new(0),
            stack_limit_key: Cell::new(0),
            stack_floor: Cell::new(0),
            borrowed: Cell::new(std::ptr::null()),
            deferred: Cell::new(false),
        }
    };
}

thread_local! {
    static TRAP: TrapState = const { TrapState { fault: Cell::new(None), trace: Cell::new([0; MAX_TRACE]) } };
    /// Handles deleted while wasm ran on this thread, kept until the outermost call returns
    /// (see `defer_drop`). Not read by the signal handler, so it may have a destructor.
    static DEFERRED: std::cell::RefCell<Vec<Box<dyn std::any::Any>>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Owns the signal stack this thread allocated; frees it at thread exit.
    static ALT_STACK: AltStack = const { AltStack { ptr: Cell::new(std::ptr::null_mut()), len: Cell::new(0) } };
}

/// This thread's state. The reference stays valid for the rest of the thread's life (the block
/// has no destructor), which is longer than any use here.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
#[inline(always)]
fn state() -> &'static ThreadState {
    let offset: usize;
    // SAFETY: the TLS descriptor sequence of the x86-64 psABI (GNU2 dialect): `lea` of the
    // descriptor into rax and the indirect call through it, which returns the symbol's offset
    // from the thread pointer and preserves every other register (the asm may call: no
    // `nostack`). The block is zeroed for each thread and all-zero is a valid `ThreadState`
    // (see above); it lives as long as the thread and the reference never leaves it
    // (ThreadState is not Sync).
    unsafe {
        std::arch::asm!(
            "lea rax, [rip + wasmlift_thread_state@TLSDESC]",
            "call qword ptr [rax + wasmlift_thread_state@TLSCALL]",
            out("rax") offset,
            options(pure, readonly),
        );
        let base: usize;
        std::arch::asm!("mov {}, qword ptr fs:[0]", out(reg) base, options(pure, readonly, nostack, preserves_flags));
        // The offset is negative (the block sits below the thread pointer): wrapping arithmetic.
        &*(base.wrapping_add(offset) as *const ThreadState)
    }
}

/// This thread's state. The reference stays valid for the rest of the thread's life (the
/// thread-local has no destructor), which is longer than any use here.
#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
fn state() -> &'static ThreadState {
    // SAFETY: the thread-local is const-initialised and has no destructor, so its storage
    // lives as long as the thread; the reference never leaves the thread (ThreadState is not
    // Sync, so it cannot be sent elsewhere).
    STATE.with(|s| unsafe { &*(s as *const ThreadState) })
}

/// This thread's trap record (see `TrapState`; const-initialised, no destructor, so the signal
/// handler may use it).
fn trap_state() -> &'static TrapState {
    // SAFETY: as for `state`: the storage lives as long as the thread and the reference never
    // leaves it (TrapState is not Sync).
    TRAP.with(|s| unsafe { &*(s as *const TrapState) })
}

/// The trap a compiled call ended with: its kind and the PCs of the wasm frames (innermost
/// first; the first one is the faulting/trapping instruction itself).
pub struct RawTrap {
    pub kind: TrapKind,
    pub pcs: Vec<usize>,
}

/// Runs `f(a, b, c)` (an entry trampoline) and catches any trap it raises.
///
/// `max_stack` bounds the stack used by wasm below the outermost entry of the thread; `limit`
/// is the store's stack-limit slot read by function prologues. The slot is left holding this
/// thread's limit: only entries write it and every entry sets it before any code of the store
/// runs, and while wasm runs on a thread every entry there (nested ones included, into any
/// store) uses the same limit, so restoring an older value would change nothing.
///
/// # Safety
/// `f` must be compiled code (or a function) that only traps through registered code, callable
/// with `callee_vmctx`, `callee_code` and `values` (see `EntryTrampoline`); `limit` must be the
/// store's live stack-limit slot. No Rust frame with a destructor may lie between this call and
/// a trap: the trap unwinds with `longjmp` (compiled code and trampolines have none).
pub unsafe fn catch_traps(
    limit: *mut usize,
    max_stack: usize,
    f: EntryTrampoline,
    callee_vmctx: *mut u8,
    callee_code: *const u8,
    values: *mut VMVal,
) -> Result<(), RawTrap> {
    // SAFETY: the caller's obligations are this function's.
    unsafe { enter::<false>(limit, max_stack, f, callee_vmctx, callee_code, values, std::ptr::null()) }
}

/// One embedder handle a running call borrows from (a link on the entry's stack frame).
struct BorrowNode {
    handle: *const u8,
    prev: *const BorrowNode,
}

/// `catch_traps` for a call that borrows what it runs from the embedder's handle at `handle`
/// (without counting references): while it runs, `is_borrowed(handle)` holds, so that a host
/// callback deleting that handle hands its contents to `defer_drop` instead of freeing them.
/// When the call returns normally and was the outermost on this thread, it also releases what
/// `defer_drop` kept (sparing the caller a second look-up of the thread's state). After an
/// `Ok`, the caller must not use anything it borrowed from the handle; after an `Err`, it
/// calls `release_deferred` once it has built its trap.
///
/// # Safety
/// As `catch_traps`.
#[inline(always)]
pub unsafe fn catch_traps_and_release(
    limit: *mut usize,
    max_stack: usize,
    f: EntryTrampoline,
    callee_vmctx: *mut u8,
    callee_code: *const u8,
    values: *mut VMVal,
    handle: *const u8,
) -> Result<(), RawTrap> {
    // SAFETY: the caller's obligations are this function's.
    unsafe { enter::<true>(limit, max_stack, f, callee_vmctx, callee_code, values, handle) }
}

/// The entry itself (see `catch_traps`); with `RELEASE`, as `catch_traps_and_release` (for
/// `handle`).
///
/// # Safety
/// As `catch_traps`.
#[inline(always)]
unsafe fn enter<const RELEASE: bool>(
    limit: *mut usize,
    max_stack: usize,
    f: EntryTrampoline,
    callee_vmctx: *mut u8,
    callee_code: *const u8,
    values: *mut VMVal,
    handle: *const u8,
) -> Result<(), RawTrap> {
    let st = state();
    let here = stack_address();
    let prev_jmp = st.jmp_buf.get();
    let lowest = here.saturating_sub(max_stack);
    if prev_jmp.is_null() && !lowest != st.stack_limit_key.get() {
        // Outermost entry on this thread, not from the depth (and engine limit) of the last.
        set_stack_limit(st, lowest);
    }
    // SAFETY: `limit` is the store's live stack-limit slot (the caller's obligation); the store
    // is used by this thread only while it runs code. Written only when it changes (a store
    // entered again from the same thread and depth already has it).
    unsafe {
        if *limit != st.stack_limit.get() {
            *limit = st.stack_limit.get();
        }
    }
    // Lives in this frame until the call is over (a trap comes back into this frame too).
    let node = BorrowNode { handle, prev: st.borrowed.get() };
    if RELEASE {
        st.borrowed.set(&node);
    }
    // SAFETY: `call_entry` sets a jump buffer in `jmp_buf` and calls `f` with the arguments,
    // which the caller vouched for; a trap returns here through `wasmlift_unwind` (0), with no
    // Rust frame skipped that had anything to drop.
    let ok = unsafe { call_entry(st.jmp_buf.as_ptr(), f, callee_vmctx, callee_code, values) };
    st.jmp_buf.set(prev_jmp);
    if RELEASE {
        st.borrowed.set(node.prev);
    }
    if ok != 0 {
        if RELEASE && prev_jmp.is_null() && st.deferred.get() {
            release_deferred_slow(st);
        }
        return Ok(());
    }
    Err(take_fault())
}

/// Sets the stack limit of an outermost entry whose wasm may use the stack down to `lowest`,
/// but never below the thread's floor (setting the thread up for wasm first if need be).
#[inline(never)]
fn set_stack_limit(st: &ThreadState, lowest: usize) {
    let mut floor = st.stack_floor.get();
    if floor == 0 {
        floor = prepare_thread(st);
    }
    st.stack_limit.set(lowest.max(floor));
    st.stack_limit_key.set(!lowest);
}

/// The current stack pointer (an address in the caller's frame).
#[inline(always)]
fn stack_address() -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let sp: usize;
        // SAFETY: reads the stack pointer into a register; nothing else.
        unsafe { std::arch::asm!("mov {}, rsp", out(reg) sp, options(nomem, nostack, preserves_flags)) };
        sp
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let marker = 0u8;
        std::hint::black_box(&marker) as *const u8 as usize
    }
}

#[cold]
fn take_fault() -> RawTrap {
    let ts = trap_state();
    let fault = ts.fault.take().expect("trap without recorded fault");
    let trace = ts.trace.get();
    RawTrap { kind: fault.kind, pcs: trace[..fault.frame_count].to_vec() }
}

/// Whether a call running on this thread borrows from the embedder's handle at `handle` (see
/// `catch_traps_and_release`).
pub fn is_borrowed(handle: *const u8) -> bool {
    let mut node = state().borrowed.get();
    while !node.is_null() {
        // SAFETY: every node in the chain lives in the frame of a call still running on this
        // thread (`enter` unlinks its node before it returns).
        let n = unsafe { &*node };
        if n.handle == handle {
            return true;
        }
        node = n.prev;
    }
    false
}

/// Keeps `keep` alive until the outermost call into wasm on this thread is over (see
/// `release_deferred`). A call from the host into wasm borrows what it runs from the embedder's
/// handle instead of taking counted references (atomic operations that cost more than the rest
/// of a short call); a host callback that deletes that very handle mid-call therefore hands the
/// handle's contents here, and they are released once no call can still be using them.
pub fn defer_drop(keep: Box<dyn std::any::Any>) {
    DEFERRED.with(|d| d.borrow_mut().push(keep));
    state().deferred.set(true);
}

/// Releases what `defer_drop` kept, once no wasm runs on this thread any more. Called at the
/// end of every C API call that runs wasm, after its last use of what it borrowed.
#[inline]
pub fn release_deferred() {
    let st = state();
    if st.deferred.get() && st.jmp_buf.get().is_null() {
        release_deferred_slow(st);
    }
}

#[cold]
fn release_deferred_slow(st: &ThreadState) {
    // Taken out first: dropping may run embedder finalizers, which may call back into us.
    let kept = DEFERRED.with(|d| std::mem::take(&mut *d.borrow_mut()));
    st.deferred.set(false);
    drop(kept);
}

/// First entry on a thread: installs the process-wide handlers (once), gives the thread a
/// signal stack and records its stack bounds. Returns the stack floor (never 0).
#[cold]
fn prepare_thread(st: &ThreadState) -> usize {
    init();
    ensure_alt_stack();
    let (bottom, size) = thread_stack();
    // Never let wasm run closer than HOST_STACK_RESERVE (at most half of a small thread
    // stack) to the thread's real stack end, so host code called from deep wasm recursion
    // still has room.
    let floor = bottom.saturating_add(HOST_STACK_RESERVE.min(size / 2)).max(1);
    st.stack_floor.set(floor);
    floor
}

/// Stack kept free for host code below the lowest wasm frame.
const HOST_STACK_RESERVE: usize = 256 * 1024;

/// Lowest address and size of this thread's stack ((0, 0) if unknown).
fn thread_stack() -> (usize, usize) {
    // SAFETY: `attr` is initialised by pthread_getattr_np before it is read and destroyed once;
    // the out-pointers point at locals of the right types.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        let mut bounds = (0, 0);
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) == 0 {
            let mut addr: *mut libc::c_void = std::ptr::null_mut();
            let mut size: libc::size_t = 0;
            if libc::pthread_attr_getstack(&attr, &mut addr, &mut size) == 0 {
                bounds = (addr as usize, size);
            }
            libc::pthread_attr_destroy(&mut attr);
        }
        bounds
    }
}

struct AltStack {
    ptr: Cell<*mut u8>,
    len: Cell<usize>,
}

impl Drop for AltStack {
    fn drop(&mut self) {
        let ptr = self.ptr.get();
        // len == 0: the host's own signal stack was kept (see ensure_alt_stack); not ours to
        // disable or unmap.
        if !ptr.is_null() && self.len.get() != 0 {
            // SAFETY: we mapped `ptr..ptr+len` in ensure_alt_stack and installed it as this
            // thread's signal stack; disabling it first means no handler can still run on it.
            unsafe {
                let disable = libc::stack_t { ss_sp: std::ptr::null_mut(), ss_flags: libc::SS_DISABLE, ss_size: 0 };
                libc::sigaltstack(&disable, std::ptr::null_mut());
                libc::munmap(ptr as *mut _, self.len.get());
            }
        }
    }
}

/// Usable size of the signal stack.
const ALT_STACK_SIZE: usize = 64 * 1024;
/// Inaccessible address space on each side of the signal stack. The lower one is the guard
/// against an overflow of the signal stack. Both keep every other mapping (thread stacks in
/// particular) farther away than a stack frame can plausibly be: tools that track the stack
/// pointer, like valgrind's memcheck (--max-stackframe, default 2 MiB), then see the longjmp from
/// the signal stack back to a thread stack as a switch of stacks. Closer, it looks like the
/// thread stack growing across the gap, and every live frame above the jump target, the
/// thread's TLS included, is marked uninitialised. Reserved only, never committed.
const ALT_STACK_MARGIN: usize = 4 << 20;

/// Gives the thread an alternate signal stack so that a fault on an exhausted stack can still
/// be handled (kept when the host already installed one).
fn ensure_alt_stack() {
    // SAFETY: plain libc calls on locals and on a fresh private mapping: `sp..sp+SIZE` lies
    // inside the `len` bytes mapped, and the stack is installed for this thread only.
    ALT_STACK.with(|alt| unsafe {
        if !alt.ptr.get().is_null() {
            return;
        }
        let mut old: libc::stack_t = std::mem::zeroed();
        libc::sigaltstack(std::ptr::null(), &mut old);
        if old.ss_flags & libc::SS_DISABLE == 0 && old.ss_size >= 64 * 1024 {
            alt.ptr.set(std::ptr::dangling_mut::<u8>()); // the host's stack is in use: done, not ours
            alt.len.set(0);
            return;
        }
        let len = ALT_STACK_MARGIN + ALT_STACK_SIZE + ALT_STACK_MARGIN;
        let ptr = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if ptr == libc::MAP_FAILED {
            return;
        }
        let sp = (ptr as *mut u8).add(ALT_STACK_MARGIN);
        if libc::mprotect(sp as *mut _, ALT_STACK_SIZE, libc::PROT_READ | libc::PROT_WRITE) != 0 {
            libc::munmap(ptr, len);
            return;
        }
        let stack = libc::stack_t { ss_sp: sp as *mut _, ss_flags: 0, ss_size: ALT_STACK_SIZE };
        libc::sigaltstack(&stack, std::ptr::null_mut());
        alt.ptr.set(ptr as *mut u8);
        alt.len.set(len);
    });
}

static INIT: Once = Once::new();
static mut PREV_SEGV: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();
static mut PREV_BUS: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();
static mut PREV_ILL: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();
static mut PREV_FPE: std::mem::MaybeUninit<libc::sigaction> = std::mem::MaybeUninit::uninit();

/// Installs the process-wide handlers once.
pub fn init() {
    // SAFETY: the PREV_* statics are written only here, once (Once), before our handler that
    // reads them can run; each points at storage for one `sigaction`.
    INIT.call_once(|| unsafe {
        for (sig, prev) in [
            (libc::SIGSEGV, &raw mut PREV_SEGV),
            (libc::SIGBUS, &raw mut PREV_BUS),
            (libc::SIGILL, &raw mut PREV_ILL),
            (libc::SIGFPE, &raw mut PREV_FPE),
        ] {
            if libc::sigaction(sig, &our_action(), (*prev).as_mut_ptr()) != 0 {
                panic!("failed to install the wasm trap handler");
            }
        }
    });
}

fn our_action() -> libc::sigaction {
    // SAFETY: sigaction is a plain C struct for which all-zero is a valid value.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = handler as *const () as usize;
    // SA_NODEFER: we leave the handler by longjmp, which must not leave the signal blocked.
    action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
    // SAFETY: sa_mask is a valid sigset_t owned by `action`.
    unsafe { libc::sigemptyset(&mut action.sa_mask) };
    action
}

/// Sets `signum`'s action back to the default (to let it have its default outcome).
fn reset_to_default(signum: i32) {
    // SAFETY: all-zero is a valid `sigaction`; setting a signal's action is async-signal-safe.
    unsafe {
        let mut dfl: libc::sigaction = std::mem::zeroed();
        dfl.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(signum, &dfl, std::ptr::null_mut());
    }
}

/// Re-installs our handler for `signum` (after a forwarded signal reset it).
fn init_handler(signum: i32) {
    // SAFETY: `our_action` is a valid action; sigaction is async-signal-safe.
    unsafe { libc::sigaction(signum, &our_action(), std::ptr::null_mut()) };
}

fn previous_action(signum: i32) -> *const libc::sigaction {
    match signum {
        libc::SIGSEGV => (&raw const PREV_SEGV).cast(),
        libc::SIGBUS => (&raw const PREV_BUS).cast(),
        libc::SIGILL => (&raw const PREV_ILL).cast(),
        _ => (&raw const PREV_FPE).cast(),
    }
}

/// The interrupted PC and frame pointer.
///
/// # Safety
/// `ctx` is the `ucontext_t` the kernel passed to an SA_SIGINFO handler.
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe fn pc_and_fp(ctx: *mut libc::c_void) -> (usize, usize) {
    // SAFETY: the caller's obligation.
    let uc = unsafe { &*(ctx as *const libc::ucontext_t) };
    (uc.uc_mcontext.gregs[libc::REG_RIP as usize] as usize, uc.uc_mcontext.gregs[libc::REG_RBP as usize] as usize)
}

#[cfg(all(target_arch = "aarch64", target_os = "linux"))]
unsafe fn pc_and_fp(ctx: *mut libc::c_void) -> (usize, usize) {
    // SAFETY: the caller's obligation.
    let uc = unsafe { &*(ctx as *const libc::ucontext_t) };
    (uc.uc_mcontext.pc as usize, uc.uc_mcontext.regs[29] as usize)
}

unsafe extern "C" fn handler(signum: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    let st = state();
    let jmp = st.jmp_buf.get();
    if !jmp.is_null() {
        // SAFETY: installed with SA_SIGINFO, so `ctx` is the kernel's ucontext_t.
        let (pc, fp) = unsafe { pc_and_fp(ctx) };
        if let Some(kind) = code_registry::trap_at(pc) {
            let mut trace = [0usize; MAX_TRACE];
            // SAFETY: the fault is in wasm code entered on this thread through catch_traps, so
            // the frame chain from `fp` lies on this thread's stack below the entry's jump buffer.
            let count = unsafe { walk_frames(st, pc, fp, &mut trace) };
            let ts = trap_state();
            ts.trace.set(trace);
            ts.fault.set(Some(Fault { kind, frame_count: count }));
            // SAFETY: `jmp` is the buffer of the innermost catch_traps on this thread, still
            // live (set null again when it returns); only compiled code and trampolines, which
            // own nothing to drop, lie between it and here.
            unsafe { wasmlift_unwind(jmp) };
        }
    }
    // SAFETY: forwarding with the arguments the kernel gave us.
    unsafe { forward(signum, info, ctx) };
}

/// The stack range holding the frames of the innermost wasm activation on this thread: (lowest
/// address a wasm frame may have, the entry's jump buffer); `None` when no wasm runs here.
pub(crate) fn activation_bounds() -> Option<(usize, usize)> {
    let st = state();
    if st.jmp_buf.get().is_null() {
        return None;
    }
    Some((st.stack_limit.get().saturating_sub(HOST_STACK_RESERVE), st.jmp_buf.get() as usize))
}

/// Ends the innermost activation as if a trap of `kind` had happened at `pc` (a return address
/// into the code that called the runtime) in the frame whose frame pointer is `fp`: records the
/// trace and jumps back to the entry's `catch_traps`.
///
/// # Safety
/// Called on a thread running wasm entered through `catch_traps`, from a runtime routine called
/// by that wasm code (`pc`, `fp` describe the calling frame); every Rust frame between the entry
/// and here owns nothing that needs dropping (the jump skips them).
pub(crate) unsafe fn raise_at(kind: TrapKind, pc: usize, fp: usize) -> ! {
    let st = state();
    let jmp = st.jmp_buf.get();
    assert!(!jmp.is_null(), "raise_at outside wasm");
    let mut trace = [0usize; MAX_TRACE];
    // SAFETY: `fp` is a frame of wasm code entered through catch_traps on this thread (the
    // caller's obligation), so the chain lies on this thread's stack below the entry's jump
    // buffer.
    let count = unsafe { walk_frames(st, pc, fp, &mut trace) };
    let ts = trap_state();
    ts.trace.set(trace);
    ts.fault.set(Some(Fault { kind, frame_count: count }));
    // SAFETY: `jmp` is the live buffer of the innermost catch_traps on this thread; the frames
    // skipped own nothing to drop (the caller's obligation).
    unsafe { wasmlift_unwind(jmp) }
}

/// Records the wasm frames starting at the trapping `pc`, following saved frame pointers while
/// return addresses stay in wasm code and frames stay below the entry's jump buffer.
///
/// # Safety
/// `fp` must come from a fault on this thread while wasm entered through `catch_traps` runs.
unsafe fn walk_frames(st: &ThreadState, pc: usize, mut fp: usize, out: &mut [usize; MAX_TRACE]) -> usize {
    let top = st.jmp_buf.get() as usize;
    // Wasm frames lie between the stack limit (minus the largest frame a prologue admits before
    // its check) and the entry; anything else is not a frame pointer we can follow.
    let bottom = st.stack_limit.get().saturating_sub(HOST_STACK_RESERVE);
    let mut n = 0;
    if code_registry::is_wasm_function(pc) {
        out[0] = pc;
        n = 1;
    }
    while n < MAX_TRACE && fp != 0 && fp >= bottom && fp % std::mem::align_of::<usize>() == 0 && fp < top {
        // SAFETY: `fp` is aligned and within [bottom, top): this thread's stack between the
        // lowest frame wasm may use and the entry, mapped and readable; compiled code keeps
        // frame pointers (return address above the saved frame pointer).
        let ret = unsafe { *((fp + std::mem::size_of::<usize>()) as *const usize) };
        if !code_registry::is_wasm_function(ret.wrapping_sub(1)) {
            break;
        }
        out[n] = ret;
        n += 1;
        // SAFETY: as above.
        let next = unsafe { *(fp as *const usize) };
        if next <= fp {
            break;
        }
        fp = next;
    }
    n
}

/// Passes a fault that is not ours to whatever handled the signal before us.
///
/// Our handler stays installed in every case the process survives: a signal sent by a process
/// or `raise` (not a fault) with no previous handler gets its default outcome right here
/// (ignored, or the process ends), and only a real fault with a default or ignored previous
/// action resets the action to default, so that re-running the faulting instruction ends the
/// process as it would have without us.
///
/// # Safety
/// The arguments are those the kernel passed to our SA_SIGINFO handler for `signum`.
unsafe fn forward(signum: i32, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: written once by `init` before our handler was installed, never again.
    let prev = unsafe { &*previous_action(signum) };
    if prev.sa_sigaction == libc::SIG_DFL || prev.sa_sigaction == libc::SIG_IGN {
        // si_code > 0: generated by the kernel for a faulting instruction (SEGV_MAPERR,
        // ILL_ILLOPN, ...); <= 0: sent by kill/raise/sigqueue/tgkill.
        // SAFETY: a non-null `info` is the kernel's siginfo for this signal.
        let sent = info.is_null() || unsafe { (*info).si_code } <= 0;
        if sent {
            if prev.sa_sigaction == libc::SIG_IGN {
                return;
            }
            // The default action of these four signals ends the process: do exactly that.
            reset_to_default(signum);
            // SAFETY: raise is async-signal-safe.
            unsafe { libc::raise(signum) };
            // Only reached if the signal was blocked; put our handler back and carry on.
            init_handler(signum);
            return;
        }
        // Restore the default action and return: the faulting instruction runs again and the
        // process gets the default outcome (core dump), as it would without us.
        reset_to_default(signum);
        return;
    }
    // SAFETY: `sa_sigaction` is neither SIG_DFL nor SIG_IGN here, so it is the address of the
    // previous handler, with the three-argument signature when SA_SIGINFO is set and the
    // one-argument one otherwise (libc stores both in this usize field); we call it as the
    // kernel would have.
    unsafe {
        if prev.sa_flags & libc::SA_SIGINFO != 0 {
            let f: unsafe extern "C" fn(i32, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(prev.sa_sigaction);
            f(signum, info, ctx);
        } else {
            let f: unsafe extern "C" fn(i32) = std::mem::transmute(prev.sa_sigaction);
            f(signum);
        }
    }
}
