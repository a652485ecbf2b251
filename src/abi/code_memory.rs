//! Executable memory for compiled code (W^X: written while read-write, then made read-execute).

/// A block of executable machine code; unmapped on drop.
pub struct CodeMemory {
    ptr: *mut u8,
    len: usize,
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
            Ok(CodeMemory { ptr, len })
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
        // SAFETY: `ptr..ptr+len` is our own mapping; whoever runs the code holds this value
        // (modules and trampolines keep their `CodeMemory` alive while code can run).
        unsafe {
            libc::munmap(self.ptr as *mut _, self.len);
        }
    }
}
