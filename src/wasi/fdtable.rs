//! The guest's file descriptor table: what each WASI fd number stands for (a host fd, an
//! in-memory stdin or an in-memory output capture), with its rights and, for preopens, the
//! guest path it was given.

use super::types::*;
use std::os::fd::{AsRawFd, OwnedFd};
use std::sync::{Arc, Mutex};

/// The most fds a guest may hold at once (a guest opening files in a loop gets EMFILE).
pub const MAX_FDS: usize = 4096;

/// Bytes a guest reads as its stdin.
pub struct MemInput {
    pub data: Vec<u8>,
    pub pos: usize,
}

/// Output captured in memory, readable by the embedder.
pub struct MemOutput {
    pub data: Vec<u8>,
    pub max: usize,
    /// Discard instead of keeping (a "null" stream).
    pub discard: bool,
}

impl MemOutput {
    /// Appends what fits; ENOSPC when nothing does.
    pub fn append(&mut self, bytes: &[u8]) -> WasiResult<usize> {
        if self.discard {
            return Ok(bytes.len());
        }
        let room = self.max.saturating_sub(self.data.len());
        let n = bytes.len().min(room);
        if n == 0 && !bytes.is_empty() {
            return Err(Errno::NOSPC);
        }
        self.data.try_reserve(n).map_err(|_| Errno::NOMEM)?;
        self.data.extend_from_slice(&bytes[..n]);
        Ok(n)
    }
}

pub enum Handle {
    Host(OwnedFd),
    MemIn(Arc<Mutex<MemInput>>),
    MemOut(Arc<Mutex<MemOutput>>),
}

/// One directory entry as fd_readdir reports it.
pub struct DirEntry {
    pub ino: u64,
    pub filetype: u8,
    pub name: Vec<u8>,
}

pub struct FdEntry {
    pub handle: Handle,
    pub filetype: u8,
    pub rights_base: u64,
    pub rights_inheriting: u64,
    /// The guest path of a preopened directory.
    pub preopen: Option<Vec<u8>>,
    /// fd_readdir's snapshot of the directory, taken when the guest starts at cookie 0.
    pub dir_cache: Option<Vec<DirEntry>>,
}

impl FdEntry {
    pub fn host_fd(&self) -> Option<i32> {
        match &self.handle {
            Handle::Host(fd) => Some(fd.as_raw_fd()),
            _ => None,
        }
    }

    /// The host fd, provided the entry holds all of `rights`.
    pub fn require(&self, rights: u64) -> WasiResult<&Self> {
        if self.rights_base & rights != rights {
            return Err(Errno::NOTCAPABLE);
        }
        Ok(self)
    }
}

/// The WASI filetype of an open host fd.
pub fn filetype_of_fd(fd: i32) -> WasiResult<u8> {
    // SAFETY: `stat` is plain data written by the kernel; fstat fails cleanly on a bad fd.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    cvt(|| unsafe { libc::fstat(fd, &mut st) })?;
    if st.st_mode & libc::S_IFMT == libc::S_IFSOCK {
        let mut ty: i32 = 0;
        let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
        // SAFETY: SO_TYPE writes one int into `ty`, whose size we pass.
        cvt(|| unsafe {
            libc::getsockopt(fd, libc::SOL_SOCKET, libc::SO_TYPE, &mut ty as *mut i32 as *mut _, &mut len)
        })?;
        return Ok(if ty == libc::SOCK_DGRAM { FILETYPE_SOCKET_DGRAM } else { FILETYPE_SOCKET_STREAM });
    }
    Ok(filetype_of_mode(st.st_mode))
}

pub fn filetype_of_mode(mode: libc::mode_t) -> u8 {
    match mode & libc::S_IFMT {
        libc::S_IFREG => FILETYPE_REGULAR_FILE,
        libc::S_IFDIR => FILETYPE_DIRECTORY,
        libc::S_IFLNK => FILETYPE_SYMBOLIC_LINK,
        libc::S_IFCHR => FILETYPE_CHARACTER_DEVICE,
        libc::S_IFBLK => FILETYPE_BLOCK_DEVICE,
        libc::S_IFSOCK => FILETYPE_SOCKET_STREAM,
        _ => FILETYPE_UNKNOWN,
    }
}

#[derive(Default)]
pub struct FdTable {
    slots: Vec<Option<FdEntry>>,
}

impl FdTable {
    pub fn get(&self, fd: u32) -> WasiResult<&FdEntry> {
        self.slots.get(fd as usize).and_then(|e| e.as_ref()).ok_or(Errno::BADF)
    }

    pub fn get_mut(&mut self, fd: u32) -> WasiResult<&mut FdEntry> {
        self.slots.get_mut(fd as usize).and_then(|e| e.as_mut()).ok_or(Errno::BADF)
    }

    /// Places `entry` at the lowest free number.
    pub fn insert(&mut self, entry: FdEntry) -> WasiResult<u32> {
        if let Some(i) = self.slots.iter().position(|s| s.is_none()) {
            self.slots[i] = Some(entry);
            return Ok(i as u32);
        }
        if self.slots.len() >= MAX_FDS {
            return Err(Errno::MFILE);
        }
        self.slots.try_reserve(1).map_err(|_| Errno::NOMEM)?;
        self.slots.push(Some(entry));
        Ok((self.slots.len() - 1) as u32)
    }

    pub fn remove(&mut self, fd: u32) -> WasiResult<FdEntry> {
        self.slots.get_mut(fd as usize).and_then(|e| e.take()).ok_or(Errno::BADF)
    }

    /// Moves `from` onto `to` (closing what `to` held); both must be open.
    pub fn renumber(&mut self, from: u32, to: u32) -> WasiResult<()> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(());
        }
        let entry = self.remove(from)?;
        self.slots[to as usize] = Some(entry);
        Ok(())
    }
}
