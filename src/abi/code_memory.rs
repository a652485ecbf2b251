//! Executable memory for compiled code (W^X: written while read-write, then made read-execute),
//! and the code regions of lazily compiled modules: one address-space reservation holding a
//! patchable entry per function (see `CodeRegion`) and the functions compiled on demand.

/// A block of executable machine code; unmapped on drop unless it lives in a `CodeRegion`
/// (which then owns the mapping).
pub struct CodeMemory {
    ptr: *mut u8,
    len: usize,
    owned: bool,
}

// SAFETY: the mapping is owned by this value and immutable once published (read-execute), so
// moving the owner or sharing reads between threads is safe.
unsafe impl Send for CodeMemory {}
unsafe impl Sync for CodeMemory {}

impl CodeMemory {
    /// Maps `bytes`, lets `patch` apply relocations while the pages are still writable (it gets
    /// the final base address), then makes them executable.
    pub fn new(bytes: &[u8], patch: impl FnOnce(&mut [u8], usize)) -> Result<CodeMemory, String> {
        let page = region::page::size();
        let len = bytes.len().max(1).div_ceil(page) * page;
        // SAFETY: a fresh private anonymous mapping of `len` bytes, written only through `buf`
        // while read-write and never again after it is made read-execute (W^X); `bytes.len()`
        // <= `len`. On failure the mapping is released before returning.
        unsafe {
            let ptr = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            if ptr == libc::MAP_FAILED {
                return Err("failed to map memory for compiled code".to_string());
            }
            let ptr = ptr as *mut u8;
            let buf = std::slice::from_raw_parts_mut(ptr, len);
            buf[..bytes.len()].copy_from_slice(bytes);
            patch(&mut buf[..bytes.len()], ptr as usize);
            if libc::mprotect(ptr as *mut _, len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                libc::munmap(ptr as *mut _, len);
                return Err("failed to make compiled code executable".to_string());
            }
            Ok(CodeMemory { ptr, len, owned: true })
        }
    }

    pub fn base(&self) -> *const u8 {
        self.ptr
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The code bytes (the whole mapping, readable for as long as `self` lives).
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr..ptr+len` is our mapping, readable (read-execute) and never written again.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn contains(&self, pc: usize) -> bool {
        pc >= self.ptr as usize && pc < self.ptr as usize + self.len
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        // SAFETY: `ptr..ptr+len` is our own mapping; whoever runs the code holds this value
        // (modules and trampolines keep their `CodeMemory` alive while code can run).
        unsafe {
            libc::munmap(self.ptr as *mut _, self.len);
        }
    }
}

/// Bytes of one function entry: `mov r11d, imm32` (a value for the lazy-compile stub: the
/// function index and flags, see `CodeRegion::new`) and `jmp [rip + disp32]` (through the
/// function's slot), padded with `int3`.
pub const ENTRY_SIZE: usize = 16;

/// The code region of a lazily compiled module, one reservation of address space:
///
/// ```text
/// entries[n]   read-execute   ENTRY_SIZE bytes each: what every call, function reference and
///                             export of the function goes through
/// slots[n]     read-write     the address each entry jumps to: the lazy-compile stub at
///                             first, then the function's code (patched atomically)
/// code ...     read-execute   functions compiled on demand, each on pages of its own
/// ```
///
/// Everything lies within 2 GiB, so compiled code calls entries with relative calls. A function's
/// pages are written while read-write and only then made executable, and no page is ever both.
pub struct CodeRegion {
    base: *mut u8,
    len: usize,
    num_functions: usize,
    slots: usize,
    code_start: usize,
    /// Next free byte of the code part (guarded by the owner's compile lock).
    next: std::sync::Mutex<usize>,
}

// SAFETY: the entries are immutable once published; slots are only accessed atomically; the
// code part is handed out under `next`'s lock and each function's pages are written once
// before they are made executable.
unsafe impl Send for CodeRegion {}
unsafe impl Sync for CodeRegion {}

impl CodeRegion {
    /// Reserves a region for `num_functions` functions with `code_capacity` bytes for their code
    /// (at most 1.5 GiB), every slot pointing at `initial_target`; entry `i` puts
    /// `entry_value(i)` in r11d for the code it jumps to.
    pub fn new(
        num_functions: usize,
        code_capacity: usize,
        initial_target: usize,
        entry_value: impl Fn(usize) -> u32,
    ) -> Result<CodeRegion, String> {
        let page = region::page::size();
        let entries_len = (num_functions * ENTRY_SIZE).max(1).div_ceil(page) * page;
        let slots_len = (num_functions * 8).max(1).div_ceil(page) * page;
        let code_capacity = code_capacity.min(3 << 29).div_ceil(page) * page;
        let len = entries_len + slots_len + code_capacity;
        // SAFETY: a fresh private reservation; the two parts made accessible lie inside it, and
        // on any failure the whole reservation is released before returning.
        unsafe {
            let base = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            );
            if base == libc::MAP_FAILED {
                return Err("failed to reserve address space for lazily compiled code".into());
            }
            let base = base as *mut u8;
            let fail = |what: &str| {
                libc::munmap(base as *mut _, len);
                Err(format!("failed to prepare the code region: {what}"))
            };
            if libc::mprotect(base as *mut _, entries_len + slots_len, libc::PROT_READ | libc::PROT_WRITE) != 0 {
                return fail("entries");
            }
            let slots = base as usize + entries_len;
            for i in 0..num_functions {
                let entry = base.add(i * ENTRY_SIZE);
                let slot = slots + 8 * i;
                let mut bytes = [0xccu8; ENTRY_SIZE];
                bytes[0..2].copy_from_slice(&[0x41, 0xbb]); // mov r11d, imm32
                bytes[2..6].copy_from_slice(&entry_value(i).to_le_bytes());
                bytes[6..8].copy_from_slice(&[0xff, 0x25]); // jmp [rip + disp32]
                let disp = slot as i64 - (entry as i64 + 12);
                bytes[8..12].copy_from_slice(&(disp as i32).to_le_bytes());
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), entry, ENTRY_SIZE);
                *(slot as *mut usize) = initial_target;
            }
            if libc::mprotect(base as *mut _, entries_len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                return fail("entries");
            }
            Ok(CodeRegion {
                base,
                len,
                num_functions,
                slots,
                code_start: entries_len + slots_len,
                next: std::sync::Mutex::new(entries_len + slots_len),
            })
        }
    }

    /// Address of function `index`'s entry.
    pub fn entry(&self, index: usize) -> usize {
        assert!(index < self.num_functions);
        self.base as usize + index * ENTRY_SIZE
    }

    /// The function whose entry is at `addr`, if it is one.
    pub fn function_at_entry(&self, addr: usize) -> Option<usize> {
        let off = addr.checked_sub(self.base as usize)?;
        (off % ENTRY_SIZE == 0 && off / ENTRY_SIZE < self.num_functions).then_some(off / ENTRY_SIZE)
    }

    fn slot(&self, index: usize) -> &std::sync::atomic::AtomicUsize {
        assert!(index < self.num_functions);
        // SAFETY: slot `index` lies in the read-write slot part, aligned, for the region's life;
        // it is only ever accessed atomically (the entries read it with plain loads, which the
        // x86-64 memory model makes atomic for aligned words).
        unsafe { &*((self.slots + 8 * index) as *const std::sync::atomic::AtomicUsize) }
    }

    /// The address of function `index`'s slot, for callers that jump to its target themselves
    /// (aligned; valid for the region's life).
    pub fn slot_address(&self, index: usize) -> *const std::sync::atomic::AtomicUsize {
        self.slot(index)
    }

    /// Where function `index`'s entry jumps now.
    pub fn target(&self, index: usize) -> usize {
        self.slot(index).load(std::sync::atomic::Ordering::Acquire)
    }

    /// Makes function `index`'s entry jump to `code` from now on (safe while other threads call
    /// through it: the slot is one aligned word).
    pub fn set_target(&self, index: usize, code: usize) {
        self.slot(index).store(code, std::sync::atomic::Ordering::Release);
    }

    /// Places `bytes` on fresh pages of the code part: `patch` applies relocations (given the
    /// final address) while they are read-write, then they are made read-execute. The result
    /// is a non-owning `CodeMemory` (the region owns the mapping).
    pub fn publish(&self, bytes: &[u8], patch: impl FnOnce(&mut [u8], usize)) -> Result<CodeMemory, String> {
        let page = region::page::size();
        let len = bytes.len().max(1).div_ceil(page) * page;
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        if *next + len > self.len {
            return Err("the module's code region is full".into());
        }
        let offset = *next;
        *next += len;
        drop(next);
        // SAFETY: `offset..offset+len` was just handed to us alone, inside the reservation and
        // past the entries and slots; nothing executes there before the final mprotect.
        unsafe {
            let ptr = self.base.add(offset);
            if libc::mprotect(ptr as *mut _, len, libc::PROT_READ | libc::PROT_WRITE) != 0 {
                return Err("failed to commit memory for compiled code".into());
            }
            let buf = std::slice::from_raw_parts_mut(ptr, len);
            buf[..bytes.len()].copy_from_slice(bytes);
            patch(&mut buf[..bytes.len()], ptr as usize);
            if libc::mprotect(ptr as *mut _, len, libc::PROT_READ | libc::PROT_EXEC) != 0 {
                return Err("failed to make compiled code executable".into());
            }
            Ok(CodeMemory { ptr, len, owned: false })
        }
    }

    /// Bytes of the code part in use (for reporting).
    pub fn code_bytes(&self) -> usize {
        *self.next.lock().unwrap_or_else(|e| e.into_inner()) - self.code_start
    }
}

impl Drop for CodeRegion {
    fn drop(&mut self) {
        // SAFETY: the reservation is ours; its owner (a module) is gone, so no code runs in it
        // and no function reference into it is used any more.
        unsafe { libc::munmap(self.base as *mut _, self.len) };
    }
}
