//! Sandboxed path resolution. Every guest path is resolved by the kernel beneath a directory
//! fd the guest holds, with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS): `..` above the
//! start, absolute paths and symlinks (absolute or relative) that lead outside fail with EXDEV
//! (reported as ENOTCAPABLE), loops with ELOOP. The check and the use are the same system call,
//! so a guest (or anyone) renaming directories concurrently cannot race it. Operations on a
//! final name (unlink, mkdir, rename...) run on an fd of the parent opened this way, with the
//! last component passed to the *at call, which never follows it out of the parent.
//!
//! Needs Linux 5.6 or later; on older kernels openat2 fails with ENOSYS and so does every path
//! operation (the sandbox fails closed).

use super::types::*;
use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// Checks the guest path and turns it into a C string.
fn c_path(path: &[u8]) -> WasiResult<CString> {
    if path.is_empty() {
        return Err(Errno::NOENT);
    }
    if path[0] == b'/' {
        return Err(Errno::NOTCAPABLE);
    }
    CString::new(path).map_err(|_| Errno::INVAL)
}

/// Opens `path` beneath `dirfd` with `flags` (O_CLOEXEC is always added).
pub fn open_beneath(dirfd: i32, path: &[u8], flags: i32, mode: u32) -> WasiResult<OwnedFd> {
    let c = c_path(path)?;
    // SAFETY: open_how is plain data; all-zero is a valid (empty) request.
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = (flags | libc::O_CLOEXEC) as u64;
    // A mode is only allowed when creating (O_TMPFILE includes the O_DIRECTORY bit).
    let creating = flags & libc::O_CREAT != 0 || flags & libc::O_TMPFILE == libc::O_TMPFILE;
    how.mode = if creating { mode as u64 } else { 0 };
    how.resolve = libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS;
    // RESOLVE_BENEATH may answer EAGAIN when a rename raced the walk; it is safe to retry.
    for _ in 0..64 {
        // SAFETY: `c` is NUL-terminated and `how` is a valid open_how whose size we pass.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dirfd,
                c.as_ptr(),
                &how as *const libc::open_how,
                std::mem::size_of::<libc::open_how>(),
            )
        };
        if fd >= 0 {
            // SAFETY: the kernel just gave us this fd; nobody else owns it.
            return Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) });
        }
        let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        if e != libc::EAGAIN && e != libc::EINTR {
            return Err(Errno::from_host(e));
        }
    }
    Err(Errno::AGAIN)
}

/// A path split into its parent directory (opened beneath the start fd) and its last name.
pub struct Parent {
    pub dir: OwnedFd,
    /// The last component, without trailing slashes.
    pub name: CString,
    /// The guest wrote trailing slashes: the target must be a directory.
    pub trailing_slash: bool,
}

impl Parent {
    pub fn fd(&self) -> i32 {
        self.dir.as_raw_fd()
    }

    /// The name with its trailing slash kept, for calls that must see it (unlink, rmdir,
    /// mkdir and rename never follow a final symlink, with or without one).
    pub fn name_as_given(&self) -> CString {
        if !self.trailing_slash {
            return self.name.clone();
        }
        let mut v = self.name.as_bytes().to_vec();
        v.push(b'/');
        CString::new(v).unwrap_or_else(|_| self.name.clone())
    }
}

/// Resolves everything but the last component of `path` beneath `dirfd`.
pub fn parent_beneath(dirfd: i32, path: &[u8]) -> WasiResult<Parent> {
    c_path(path)?;
    let mut end = path.len();
    while end > 0 && path[end - 1] == b'/' {
        end -= 1;
    }
    let trailing_slash = end < path.len();
    let trimmed = &path[..end];
    let (dir_part, name): (&[u8], &[u8]) = match trimmed.iter().rposition(|&b| b == b'/') {
        Some(i) => (&trimmed[..i + 1], &trimmed[i + 1..]),
        None => (b".", trimmed),
    };
    if name == b"." || name == b".." {
        // The call will act on the parent's "." or "..": make sure that names something
        // inside the sandbox first (".." of the preopen root does not).
        open_beneath(dirfd, trimmed, libc::O_PATH, 0)?;
    }
    let dir = open_beneath(dirfd, dir_part, libc::O_PATH | libc::O_DIRECTORY, 0)?;
    let name = CString::new(name).map_err(|_| Errno::INVAL)?;
    Ok(Parent { dir, name, trailing_slash })
}

/// An O_PATH fd for `path`, following a final symlink only if `follow`.
pub fn locate(dirfd: i32, path: &[u8], follow: bool) -> WasiResult<OwnedFd> {
    let flags = libc::O_PATH | if follow { 0 } else { libc::O_NOFOLLOW };
    open_beneath(dirfd, path, flags, 0)
}

/// `/proc/self/fd/N`, for the few calls that can only name an O_PATH fd through a path.
pub fn proc_fd_path(fd: i32) -> CString {
    CString::new(format!("/proc/self/fd/{fd}")).expect("no NUL in a formatted number")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A fresh directory tree: root/inside.txt, root/sub/, root/out -> ../secret, secret.
    fn fixture() -> (std::path::PathBuf, OwnedFd) {
        let base = std::env::temp_dir().join(format!(
            "wasmlift-path-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(base.join("root/sub")).unwrap();
        std::fs::write(base.join("root/inside.txt"), b"in").unwrap();
        std::fs::write(base.join("secret"), b"s").unwrap();
        symlink("../secret", base.join("root/out")).unwrap();
        symlink("loop", base.join("root/loop")).unwrap();
        let c = std::ffi::CString::new(base.join("root").to_str().unwrap()).unwrap();
        let root = crate::wasi::config::open_host_dir(&c).unwrap();
        (base, root)
    }

    #[test]
    fn resolution_stays_beneath_the_start() {
        let (base, root) = fixture();
        let fd = root.as_raw_fd();
        assert!(open_beneath(fd, b"inside.txt", libc::O_RDONLY, 0).is_ok());
        assert!(open_beneath(fd, b"sub/../inside.txt", libc::O_RDONLY, 0).is_ok());
        assert_eq!(open_beneath(fd, b"../secret", libc::O_RDONLY, 0).err(), Some(Errno::NOTCAPABLE));
        assert_eq!(open_beneath(fd, b"/etc/passwd", libc::O_RDONLY, 0).err(), Some(Errno::NOTCAPABLE));
        assert_eq!(open_beneath(fd, b"out", libc::O_RDONLY, 0).err(), Some(Errno::NOTCAPABLE));
        assert_eq!(open_beneath(fd, b"loop", libc::O_RDONLY, 0).err(), Some(Errno::LOOP));
        assert_eq!(open_beneath(fd, b"", libc::O_RDONLY, 0).err(), Some(Errno::NOENT));
        assert_eq!(open_beneath(fd, b"a\0b", libc::O_RDONLY, 0).err(), Some(Errno::INVAL));
        std::fs::remove_dir_all(base).unwrap();
    }

    #[test]
    fn parents_split_and_check_dot_dot() {
        let (base, root) = fixture();
        let fd = root.as_raw_fd();
        let p = parent_beneath(fd, b"sub/new/").unwrap();
        assert_eq!(p.name.as_bytes(), b"new");
        assert!(p.trailing_slash);
        assert_eq!(p.name_as_given().as_bytes(), b"new/");
        let p = parent_beneath(fd, b"inside.txt").unwrap();
        assert_eq!(p.name.as_bytes(), b"inside.txt");
        assert!(!p.trailing_slash);
        assert_eq!(parent_beneath(fd, b"..").err(), Some(Errno::NOTCAPABLE));
        assert_eq!(parent_beneath(fd, b"sub/../..").err(), Some(Errno::NOTCAPABLE));
        assert!(parent_beneath(fd, b"sub/..").is_ok());
        assert_eq!(parent_beneath(fd, b"out/x").err(), Some(Errno::NOTCAPABLE));
        std::fs::remove_dir_all(base).unwrap();
    }
}
