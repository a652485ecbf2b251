//! What an embedder configures before creating a WASI context: arguments, environment,
//! preopened directories (with guest names and read-only or read-write rights), preopened
//! sockets, and where the three standard streams go.

use std::os::fd::OwnedFd;

/// Where one standard stream comes from or goes to.
pub enum StdioSetup {
    /// Nothing: reads see end of file, writes are accepted and dropped.
    Null,
    /// The host process's own stream (duplicated, so the guest closing it leaves ours open).
    Inherit,
    /// A host file opened by the embedder's path.
    File(OwnedFd),
    /// stdin only: these bytes, then end of file.
    Bytes(Vec<u8>),
    /// stdout/stderr only: captured in memory, at most this many bytes (then ENOSPC).
    Buffer(usize),
}

pub struct PreopenDir {
    pub host: OwnedFd,
    pub guest_path: Vec<u8>,
    pub writable: bool,
}

pub struct WasiConfig {
    pub args: Vec<Vec<u8>>,
    pub env: Vec<Vec<u8>>,
    pub dirs: Vec<PreopenDir>,
    pub sockets: Vec<OwnedFd>,
    pub stdin: StdioSetup,
    pub stdout: StdioSetup,
    pub stderr: StdioSetup,
}

impl Default for WasiConfig {
    fn default() -> Self {
        WasiConfig {
            args: Vec::new(),
            env: Vec::new(),
            dirs: Vec::new(),
            sockets: Vec::new(),
            stdin: StdioSetup::Null,
            stdout: StdioSetup::Null,
            stderr: StdioSetup::Null,
        }
    }
}

/// Opens a host directory as a preopen root. The fd is what every guest path is resolved
/// beneath, so it is opened once, here, and never by name again.
pub fn open_host_dir(path: &std::ffi::CStr) -> std::io::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: `path` is a valid NUL-terminated string; the flags ask for a directory only.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Duplicates a host fd (close-on-exec), so the context owns its own copy.
pub fn dup_fd(fd: i32) -> std::io::Result<OwnedFd> {
    use std::os::fd::FromRawFd;
    // SAFETY: F_DUPFD_CLOEXEC on any integer is harmless; a bad fd fails with EBADF.
    let new = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
    if new < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `new` was just created and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}
