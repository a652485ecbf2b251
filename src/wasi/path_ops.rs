//! path_* functions. Each resolves its guest path beneath a directory fd the guest holds
//! (see path.rs), after checking that fd's rights.

use super::ctx::{CallResult, WasiCtx};
use super::fd::{fstat, timespecs, write_filestat};
use super::fdtable::*;
use super::memory::GuestMemory;
use super::path::*;
use super::types::*;
use std::os::fd::AsRawFd;

/// The host fd of a directory the guest names for a path operation, with `rights`.
fn dir_fd(cx: &WasiCtx, fd: u64, rights: u64) -> WasiResult<i32> {
    let e = cx.fds.get(fd as u32)?;
    if e.filetype != FILETYPE_DIRECTORY {
        return Err(Errno::NOTDIR);
    }
    e.require(rights)?;
    e.host_fd().ok_or(Errno::NOTDIR)
}

pub fn path_create_directory(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let dir = dir_fd(cx, a[0], RIGHT_PATH_CREATE_DIRECTORY)?;
    let path = mem.string(a[1] as u32, a[2] as u32)?;
    let p = parent_beneath(dir, path)?;
    // SAFETY: the name is NUL-terminated; mkdirat on a directory fd we own.
    cvt(|| unsafe { libc::mkdirat(p.fd(), p.name_as_given().as_ptr(), 0o777) })?;
    Ok(())
}

pub fn path_filestat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let dir = dir_fd(cx, a[0], RIGHT_PATH_FILESTAT_GET)?;
    let follow = a[1] as u32 & LOOKUPFLAGS_SYMLINK_FOLLOW != 0;
    let path = mem.string(a[2] as u32, a[3] as u32)?;
    let target = locate(dir, path, follow)?;
    let st = fstat(target.as_raw_fd())?;
    write_filestat(mem, a[4] as u32, &st, filetype_of_mode(st.st_mode))?;
    Ok(())
}

pub fn path_filestat_set_times(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let dir = dir_fd(cx, a[0], RIGHT_PATH_FILESTAT_SET_TIMES)?;
    let follow = a[1] as u32 & LOOKUPFLAGS_SYMLINK_FOLLOW != 0;
    let path = mem.string(a[2] as u32, a[3] as u32)?;
    let times = timespecs(a[4], a[5], a[6] as u16)?;
    let target = locate(dir, path, follow)?;
    // SAFETY: "" with AT_EMPTY_PATH names the O_PATH fd itself; `times` holds two timespecs.
    match cvt(|| unsafe { libc::utimensat(target.as_raw_fd(), c"".as_ptr(), times.as_ptr(), libc::AT_EMPTY_PATH) }) {
        // Kernels before 5.8 do not take AT_EMPTY_PATH here: name the same inode through /proc.
        Err(Errno::INVAL) => {
            let via = proc_fd_path(target.as_raw_fd());
            // SAFETY: as above, with a NUL-terminated path.
            cvt(|| unsafe { libc::utimensat(libc::AT_FDCWD, via.as_ptr(), times.as_ptr(), 0) })?;
        }
        other => {
            other?;
        }
    }
    Ok(())
}

pub fn path_link(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let old_dir = dir_fd(cx, a[0], RIGHT_PATH_LINK_SOURCE)?;
    let follow = a[1] as u32 & LOOKUPFLAGS_SYMLINK_FOLLOW != 0;
    let new_dir = dir_fd(cx, a[4], RIGHT_PATH_LINK_TARGET)?;
    let old_path = mem.string(a[2] as u32, a[3] as u32)?;
    let new_path = mem.string(a[5] as u32, a[6] as u32)?;
    let new = parent_beneath(new_dir, new_path)?;
    let old = parent_beneath(old_dir, old_path)?;
    if follow || old.trailing_slash {
        // Resolve the source (through symlinks, beneath its directory) to an fd, then link that
        // very inode through /proc: no path to it is walked a second time.
        let target = locate(old_dir, old_path, true)?;
        if old.trailing_slash {
            let st = fstat(target.as_raw_fd())?;
            return Err(if st.st_mode & libc::S_IFMT == libc::S_IFDIR { Errno::PERM } else { Errno::NOTDIR }.into());
        }
        let via = proc_fd_path(target.as_raw_fd());
        // SAFETY: both names are NUL-terminated; the fds are ours.
        cvt(|| unsafe {
            libc::linkat(libc::AT_FDCWD, via.as_ptr(), new.fd(), new.name_as_given().as_ptr(), libc::AT_SYMLINK_FOLLOW)
        })?;
    } else {
        // SAFETY: both names are NUL-terminated; linkat without AT_SYMLINK_FOLLOW links the
        // final name itself, never what a symlink points to.
        cvt(|| unsafe { libc::linkat(old.fd(), old.name.as_ptr(), new.fd(), new.name_as_given().as_ptr(), 0) })?;
    }
    Ok(())
}

pub fn path_open(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let (fd, dirflags, path_ptr, path_len, oflags, req_base, req_inheriting, fdflags, out) =
        (a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32, a[4] as u32, a[5], a[6], a[7] as u32, a[8] as u32);
    let dir = cx.fds.get(fd)?;
    if dir.filetype != FILETYPE_DIRECTORY {
        return Err(Errno::NOTDIR.into());
    }
    dir.require(RIGHT_PATH_OPEN)?;
    let valid_oflags = (OFLAGS_CREAT | OFLAGS_DIRECTORY | OFLAGS_EXCL | OFLAGS_TRUNC) as u32;
    let valid_fdflags = (FDFLAGS_APPEND | FDFLAGS_DSYNC | FDFLAGS_NONBLOCK | FDFLAGS_RSYNC | FDFLAGS_SYNC) as u32;
    if oflags & !valid_oflags != 0 || fdflags & !valid_fdflags != 0 {
        return Err(Errno::INVAL.into());
    }
    let oflags = oflags as u16;
    let fdflags = fdflags as u16;
    if oflags & OFLAGS_CREAT != 0 {
        dir.require(RIGHT_PATH_CREATE_FILE)?;
    }
    if oflags & OFLAGS_TRUNC != 0 {
        dir.require(RIGHT_PATH_FILESTAT_SET_SIZE)?;
    }
    // The new fd gets what the guest asks for, within what the directory passes on.
    let base = req_base & dir.rights_inheriting;
    let inheriting = req_inheriting & dir.rights_inheriting;
    let write = base & RIGHTS_NEEDING_WRITE_ACCESS != 0 || fdflags & FDFLAGS_APPEND != 0 && base & RIGHT_FD_WRITE != 0;
    let read = base & (RIGHT_FD_READ | RIGHT_FD_READDIR) != 0;
    let mut flags = libc::O_NOCTTY;
    flags |= if oflags & OFLAGS_DIRECTORY != 0 || !write {
        libc::O_RDONLY
    } else if read {
        libc::O_RDWR
    } else {
        libc::O_WRONLY
    };
    if oflags & OFLAGS_CREAT != 0 {
        flags |= libc::O_CREAT;
    }
    if oflags & OFLAGS_DIRECTORY != 0 {
        flags |= libc::O_DIRECTORY;
    }
    if oflags & OFLAGS_EXCL != 0 {
        flags |= libc::O_EXCL;
    }
    if oflags & OFLAGS_TRUNC != 0 {
        flags |= libc::O_TRUNC;
    }
    if fdflags & FDFLAGS_APPEND != 0 {
        flags |= libc::O_APPEND;
    }
    if fdflags & FDFLAGS_NONBLOCK != 0 {
        flags |= libc::O_NONBLOCK;
    }
    if fdflags & FDFLAGS_DSYNC != 0 {
        flags |= libc::O_DSYNC;
    }
    if fdflags & (FDFLAGS_SYNC | FDFLAGS_RSYNC) != 0 {
        flags |= libc::O_SYNC;
    }
    if dirflags & LOOKUPFLAGS_SYMLINK_FOLLOW == 0 {
        flags |= libc::O_NOFOLLOW;
    }
    let host_dir = dir.host_fd().ok_or(Errno::NOTDIR)?;
    let path = mem.string(path_ptr, path_len)?;
    let file = open_beneath(host_dir, path, flags, 0o666)?;
    let filetype = filetype_of_fd(file.as_raw_fd())?;
    let applicable = if filetype == FILETYPE_DIRECTORY {
        DIR_RIGHTS_READ | DIR_RIGHTS_WRITE
    } else {
        FILE_RIGHTS_READ | FILE_RIGHTS_WRITE
    };
    let mut rights = base & applicable;
    if filetype != FILETYPE_REGULAR_FILE && filetype != FILETYPE_DIRECTORY {
        // Devices and fifos do not seek.
        rights &= !(RIGHT_FD_SEEK | RIGHT_FD_TELL);
    }
    let entry = FdEntry {
        handle: Handle::Host(file),
        filetype,
        rights_base: rights,
        rights_inheriting: inheriting,
        preopen: None,
        dir_cache: None,
    };
    let new_fd = cx.fds.insert(entry)?;
    if let Err(e) = mem.write_u32(out, new_fd) {
        cx.fds.remove(new_fd)?;
        return Err(e.into());
    }
    Ok(())
}

pub fn path_readlink(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let dir = dir_fd(cx, a[0], RIGHT_PATH_READLINK)?;
    let path = mem.string(a[1] as u32, a[2] as u32)?;
    let (buf, buf_len, used_ptr) = (a[3] as u32, a[4] as u32, a[5] as u32);
    mem.slice(buf, buf_len)?;
    let p = parent_beneath(dir, path)?;
    if p.trailing_slash {
        // "link/" names what the link points to, which is not a symlink.
        locate(dir, path, true)?;
        return Err(Errno::INVAL.into());
    }
    let mut target = vec![0u8; libc::PATH_MAX as usize];
    // SAFETY: `target` has the length we pass; the name is NUL-terminated.
    let n = cvt(|| unsafe {
        libc::readlinkat(p.fd(), p.name.as_ptr(), target.as_mut_ptr() as *mut libc::c_char, target.len())
    })? as usize;
    let n = n.min(buf_len as usize);
    mem.write(buf, &target[..n])?;
    mem.write_u32(used_ptr, n as u32)?;
    Ok(())
}

pub fn path_remove_directory(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let dir = dir_fd(cx, a[0], RIGHT_PATH_REMOVE_DIRECTORY)?;
    let path = mem.string(a[1] as u32, a[2] as u32)?;
    let p = parent_beneath(dir, path)?;
    // SAFETY: the name is NUL-terminated; unlinkat never follows the final name.
    cvt(|| unsafe { libc::unlinkat(p.fd(), p.name_as_given().as_ptr(), libc::AT_REMOVEDIR) })?;
    Ok(())
}

pub fn path_rename(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let old_dir = dir_fd(cx, a[0], RIGHT_PATH_RENAME_SOURCE)?;
    let new_dir = dir_fd(cx, a[3], RIGHT_PATH_RENAME_TARGET)?;
    let old_path = mem.string(a[1] as u32, a[2] as u32)?;
    let new_path = mem.string(a[4] as u32, a[5] as u32)?;
    let old = parent_beneath(old_dir, old_path)?;
    let new = parent_beneath(new_dir, new_path)?;
    // SAFETY: both names are NUL-terminated; rename never follows final names.
    cvt(|| unsafe { libc::renameat(old.fd(), old.name_as_given().as_ptr(), new.fd(), new.name_as_given().as_ptr()) })?;
    Ok(())
}

pub fn path_symlink(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let dir = dir_fd(cx, a[2], RIGHT_PATH_SYMLINK)?;
    let target = mem.string(a[0] as u32, a[1] as u32)?;
    let path = mem.string(a[3] as u32, a[4] as u32)?;
    if target.is_empty() {
        return Err(Errno::NOENT.into());
    }
    // An absolute target can never resolve inside the sandbox and would point host tools
    // that follow it somewhere the guest was not given.
    if target[0] == b'/' {
        return Err(Errno::NOTCAPABLE.into());
    }
    let target = std::ffi::CString::new(target).map_err(|_| Errno::INVAL)?;
    let p = parent_beneath(dir, path)?;
    // SAFETY: both strings are NUL-terminated; symlinkat stores the target unresolved.
    cvt(|| unsafe { libc::symlinkat(target.as_ptr(), p.fd(), p.name_as_given().as_ptr()) })?;
    Ok(())
}

pub fn path_unlink_file(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let dir = dir_fd(cx, a[0], RIGHT_PATH_UNLINK_FILE)?;
    let path = mem.string(a[1] as u32, a[2] as u32)?;
    let p = parent_beneath(dir, path)?;
    // SAFETY: the name is NUL-terminated; unlinkat never follows the final name.
    cvt(|| unsafe { libc::unlinkat(p.fd(), p.name_as_given().as_ptr(), 0) })?;
    Ok(())
}
