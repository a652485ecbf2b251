//! Bounds-checked access to the guest's linear memory during one WASI call. Every pointer and
//! length comes from the guest, so every access is checked and an out-of-range one is EFAULT.

use super::types::{Errno, WasiResult, IOVEC_SIZE};

/// The guest memory as one byte slice, valid for the duration of a host call (no wasm code
/// runs and the memory cannot grow while the host function executes).
pub struct GuestMemory<'a> {
    bytes: &'a mut [u8],
}

impl<'a> GuestMemory<'a> {
    pub fn new(bytes: &'a mut [u8]) -> Self {
        GuestMemory { bytes }
    }

    fn range(&self, ptr: u32, len: u64) -> WasiResult<std::ops::Range<usize>> {
        let start = ptr as u64;
        let end = start.checked_add(len).ok_or(Errno::FAULT)?;
        if end > self.bytes.len() as u64 {
            return Err(Errno::FAULT);
        }
        Ok(start as usize..end as usize)
    }

    pub fn slice(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let r = self.range(ptr, len as u64)?;
        Ok(&self.bytes[r])
    }

    pub fn slice_mut(&mut self, ptr: u32, len: u32) -> WasiResult<&mut [u8]> {
        let r = self.range(ptr, len as u64)?;
        Ok(&mut self.bytes[r])
    }

    /// The address of `len` checked bytes at `ptr`, for handing iovecs to the kernel.
    pub fn raw(&mut self, ptr: u32, len: u32) -> WasiResult<*mut u8> {
        Ok(self.slice_mut(ptr, len)?.as_mut_ptr())
    }

    pub fn read_bytes<const N: usize>(&self, ptr: u32) -> WasiResult<[u8; N]> {
        let s = self.slice(ptr, N as u32)?;
        let mut out = [0u8; N];
        out.copy_from_slice(s);
        Ok(out)
    }

    pub fn read_u8(&self, ptr: u32) -> WasiResult<u8> {
        Ok(self.read_bytes::<1>(ptr)?[0])
    }
    pub fn read_u16(&self, ptr: u32) -> WasiResult<u16> {
        Ok(u16::from_le_bytes(self.read_bytes(ptr)?))
    }
    pub fn read_u32(&self, ptr: u32) -> WasiResult<u32> {
        Ok(u32::from_le_bytes(self.read_bytes(ptr)?))
    }
    pub fn read_u64(&self, ptr: u32) -> WasiResult<u64> {
        Ok(u64::from_le_bytes(self.read_bytes(ptr)?))
    }

    pub fn write(&mut self, ptr: u32, data: &[u8]) -> WasiResult<()> {
        let len = u32::try_from(data.len()).map_err(|_| Errno::FAULT)?;
        self.slice_mut(ptr, len)?.copy_from_slice(data);
        Ok(())
    }
    pub fn write_u8(&mut self, ptr: u32, v: u8) -> WasiResult<()> {
        self.write(ptr, &[v])
    }
    pub fn write_u16(&mut self, ptr: u32, v: u16) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }
    pub fn write_u32(&mut self, ptr: u32, v: u32) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }
    pub fn write_u64(&mut self, ptr: u32, v: u64) -> WasiResult<()> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Reads an array of `iovec`/`ciovec` records and checks that each buffer lies in memory.
    pub fn iovecs(&self, iovs: u32, count: u32) -> WasiResult<Vec<(u32, u32)>> {
        let total = count as u64 * IOVEC_SIZE as u64;
        self.range(iovs, total)?;
        // The kernel takes at most IOV_MAX buffers per call; more is the guest's error.
        if count as usize > 1024 {
            return Err(Errno::INVAL);
        }
        let mut out = Vec::new();
        out.try_reserve(count as usize).map_err(|_| Errno::NOMEM)?;
        for i in 0..count {
            let at = iovs + i * IOVEC_SIZE;
            let (buf, len) = (self.read_u32(at)?, self.read_u32(at + 4)?);
            self.range(buf, len as u64)?;
            out.push((buf, len));
        }
        Ok(out)
    }

    /// Host `iovec`s pointing into guest memory for each checked guest buffer.
    pub fn host_iovecs(&mut self, bufs: &[(u32, u32)]) -> WasiResult<Vec<libc::iovec>> {
        let mut out = Vec::new();
        out.try_reserve(bufs.len()).map_err(|_| Errno::NOMEM)?;
        for &(ptr, len) in bufs {
            out.push(libc::iovec { iov_base: self.raw(ptr, len)? as *mut libc::c_void, iov_len: len as usize });
        }
        Ok(out)
    }

    /// A guest string (a path or name): bytes at `ptr`, UTF-8 as the spec's `string` requires.
    pub fn string(&self, ptr: u32, len: u32) -> WasiResult<&[u8]> {
        let s = self.slice(ptr, len)?;
        std::str::from_utf8(s).map_err(|_| Errno::ILSEQ)?;
        Ok(s)
    }
}
