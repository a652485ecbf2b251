//! One guest's WASI state: arguments, environment, the fd table and the memory the host
//! functions read and write (the instance's exported "memory", bound after instantiation).

use super::config::{dup_fd, StdioSetup, WasiConfig};
use super::fdtable::*;
use super::types::*;
use crate::capi::r#ref::wasm_memory_t;
use std::sync::{Arc, Mutex};

/// An owned `wasm_memory_t` handle (deleted with the context).
pub struct BoundMemory(pub *mut wasm_memory_t);

// SAFETY: the handle is only dereferenced by host calls and by the embedder's calls on the
// context, which the C API requires to happen on the store's thread (like every other object
// of that store); the Mutex around the context serialises them.
unsafe impl Send for BoundMemory {}

impl Drop for BoundMemory {
    fn drop(&mut self) {
        // SAFETY: we own this handle (it was created for us by wasm_memory_copy / exports).
        unsafe { crate::capi::r#ref::wasm_memory_delete(self.0) }
    }
}

pub struct WasiCtx {
    pub args: Vec<Vec<u8>>,
    pub env: Vec<Vec<u8>>,
    pub fds: FdTable,
    pub memory: Option<BoundMemory>,
    pub stdout_capture: Option<Arc<Mutex<MemOutput>>>,
    pub stderr_capture: Option<Arc<Mutex<MemOutput>>>,
}

/// How a guest call ended, beyond its errno.
pub enum Stop {
    Errno(Errno),
    /// proc_exit (or a fatal proc_raise): unwind the guest with this exit status.
    Exit(u32),
}

impl From<Errno> for Stop {
    fn from(e: Errno) -> Stop {
        Stop::Errno(e)
    }
}

pub type CallResult = Result<(), Stop>;

fn stdio_entry(
    setup: &StdioSetup,
    host_fd: i32,
    is_input: bool,
) -> std::io::Result<(FdEntry, Option<Arc<Mutex<MemOutput>>>)> {
    let io_rights = if is_input { RIGHT_FD_READ } else { RIGHT_FD_WRITE };
    let stream_rights = io_rights | RIGHT_FD_FDSTAT_SET_FLAGS | RIGHT_FD_FILESTAT_GET | RIGHT_POLL_FD_READWRITE;
    let mem = |handle, capture| {
        Ok((
            FdEntry {
                handle,
                filetype: FILETYPE_CHARACTER_DEVICE,
                rights_base: stream_rights,
                rights_inheriting: 0,
                preopen: None,
                dir_cache: None,
            },
            capture,
        ))
    };
    let host = |fd: std::os::fd::OwnedFd| -> std::io::Result<(FdEntry, Option<Arc<Mutex<MemOutput>>>)> {
        use std::os::fd::AsRawFd;
        let filetype =
            filetype_of_fd(fd.as_raw_fd()).map_err(|e| std::io::Error::other(format!("WASI errno {}", e.0)))?;
        // A seekable file keeps its seek rights; terminals and pipes do not have them.
        let rights = if filetype == FILETYPE_REGULAR_FILE {
            stream_rights | RIGHT_FD_SEEK | RIGHT_FD_TELL | RIGHT_FD_ADVISE
        } else {
            stream_rights
        };
        Ok((
            FdEntry {
                handle: Handle::Host(fd),
                filetype,
                rights_base: rights,
                rights_inheriting: 0,
                preopen: None,
                dir_cache: None,
            },
            None,
        ))
    };
    match setup {
        StdioSetup::Null if is_input => {
            mem(Handle::MemIn(Arc::new(Mutex::new(MemInput { data: Vec::new(), pos: 0 }))), None)
        }
        StdioSetup::Null => {
            mem(Handle::MemOut(Arc::new(Mutex::new(MemOutput { data: Vec::new(), max: 0, discard: true }))), None)
        }
        StdioSetup::Inherit => host(dup_fd(host_fd)?),
        StdioSetup::File(fd) => host(fd.try_clone()?),
        StdioSetup::Bytes(b) => {
            let mut data = Vec::new();
            data.try_reserve(b.len()).map_err(|_| std::io::Error::from(std::io::ErrorKind::OutOfMemory))?;
            data.extend_from_slice(b);
            mem(Handle::MemIn(Arc::new(Mutex::new(MemInput { data, pos: 0 }))), None)
        }
        StdioSetup::Buffer(max) => {
            let out = Arc::new(Mutex::new(MemOutput { data: Vec::new(), max: *max, discard: false }));
            mem(Handle::MemOut(out.clone()), Some(out))
        }
    }
}

impl WasiCtx {
    /// Builds the context; host fds of the configuration are duplicated, so the
    /// configuration can be reused or deleted.
    pub fn new(cfg: &WasiConfig) -> std::io::Result<WasiCtx> {
        let mut fds = FdTable::default();
        let mut captures = [None, None];
        for (i, setup) in [&cfg.stdin, &cfg.stdout, &cfg.stderr].into_iter().enumerate() {
            let (entry, capture) = stdio_entry(setup, i as i32, i == 0)?;
            if i > 0 {
                captures[i - 1] = capture;
            }
            fds.insert(entry).map_err(|_| std::io::Error::other("too many fds"))?;
        }
        // Directories first: wasi-libc scans preopens from fd 3 upwards and stops at the first
        // fd that is not a preopened directory.
        for d in &cfg.dirs {
            let base = if d.writable { DIR_RIGHTS_READ | DIR_RIGHTS_WRITE } else { DIR_RIGHTS_READ };
            let inheriting =
                if d.writable { base | FILE_RIGHTS_READ | FILE_RIGHTS_WRITE } else { base | FILE_RIGHTS_READ };
            let entry = FdEntry {
                handle: Handle::Host(d.host.try_clone()?),
                filetype: FILETYPE_DIRECTORY,
                rights_base: base,
                rights_inheriting: inheriting,
                preopen: Some(d.guest_path.clone()),
                dir_cache: None,
            };
            fds.insert(entry).map_err(|_| std::io::Error::other("too many preopens"))?;
        }
        for s in &cfg.sockets {
            use std::os::fd::AsRawFd;
            let fd = s.try_clone()?;
            let filetype =
                filetype_of_fd(fd.as_raw_fd()).map_err(|e| std::io::Error::other(format!("WASI errno {}", e.0)))?;
            if filetype != FILETYPE_SOCKET_STREAM && filetype != FILETYPE_SOCKET_DGRAM {
                return Err(std::io::Error::other("a preopened socket must be a socket"));
            }
            let entry = FdEntry {
                handle: Handle::Host(fd),
                filetype,
                rights_base: SOCKET_RIGHTS,
                rights_inheriting: SOCKET_RIGHTS,
                preopen: None,
                dir_cache: None,
            };
            fds.insert(entry).map_err(|_| std::io::Error::other("too many preopens"))?;
        }
        let [stdout_capture, stderr_capture] = captures;
        Ok(WasiCtx { args: cfg.args.clone(), env: cfg.env.clone(), fds, memory: None, stdout_capture, stderr_capture })
    }
}
