//! fd_* functions: reading, writing, seeking, syncing, metadata, directories and preopens.

use super::ctx::{CallResult, WasiCtx};
use super::fdtable::*;
use super::memory::GuestMemory;
use super::types::*;
use std::os::fd::{FromRawFd, OwnedFd};

fn host_of(e: &FdEntry, pipe_errno: Errno) -> WasiResult<i32> {
    e.host_fd().ok_or(pipe_errno)
}

/// Writes a filestat record for host `stat` data.
// The stat field types differ between Linux targets (st_nlink is u32 on aarch64).
#[allow(clippy::unnecessary_cast)]
pub fn write_filestat(mem: &mut GuestMemory, at: u32, st: &libc::stat, filetype: u8) -> WasiResult<()> {
    let ns = |s: i64, n: i64| (s as u64).wrapping_mul(1_000_000_000).wrapping_add(n as u64);
    let mut rec = [0u8; FILESTAT_SIZE as usize];
    rec[0..8].copy_from_slice(&(st.st_dev as u64).to_le_bytes());
    rec[8..16].copy_from_slice(&(st.st_ino as u64).to_le_bytes());
    rec[16] = filetype;
    rec[24..32].copy_from_slice(&(st.st_nlink as u64).to_le_bytes());
    rec[32..40].copy_from_slice(&(st.st_size as u64).to_le_bytes());
    rec[40..48].copy_from_slice(&ns(st.st_atime, st.st_atime_nsec).to_le_bytes());
    rec[48..56].copy_from_slice(&ns(st.st_mtime, st.st_mtime_nsec).to_le_bytes());
    rec[56..64].copy_from_slice(&ns(st.st_ctime, st.st_ctime_nsec).to_le_bytes());
    mem.write(at, &rec)
}

pub fn fstat(fd: i32) -> WasiResult<libc::stat> {
    // SAFETY: `st` is plain data the kernel fills.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    cvt(|| unsafe { libc::fstat(fd, &mut st) })?;
    Ok(st)
}

/// The timespec pair for futimens/utimensat from WASI times and fstflags.
pub fn timespecs(atim: u64, mtim: u64, flags: u16) -> WasiResult<[libc::timespec; 2]> {
    if flags & !(FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW | FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW) != 0 {
        return Err(Errno::INVAL);
    }
    let one = |t: u64, set: u16, now: u16| -> WasiResult<libc::timespec> {
        match (flags & set != 0, flags & now != 0) {
            (true, true) => Err(Errno::INVAL),
            (true, false) => {
                Ok(libc::timespec { tv_sec: (t / 1_000_000_000) as i64, tv_nsec: (t % 1_000_000_000) as i64 })
            }
            (false, true) => Ok(libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_NOW }),
            (false, false) => Ok(libc::timespec { tv_sec: 0, tv_nsec: libc::UTIME_OMIT }),
        }
    };
    Ok([one(atim, FSTFLAGS_ATIM, FSTFLAGS_ATIM_NOW)?, one(mtim, FSTFLAGS_MTIM, FSTFLAGS_MTIM_NOW)?])
}

pub fn fd_advise(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_ADVISE)?;
    let advice = match a[3] as u32 {
        0 => libc::POSIX_FADV_NORMAL,
        1 => libc::POSIX_FADV_SEQUENTIAL,
        2 => libc::POSIX_FADV_RANDOM,
        3 => libc::POSIX_FADV_WILLNEED,
        4 => libc::POSIX_FADV_DONTNEED,
        5 => libc::POSIX_FADV_NOREUSE,
        _ => return Err(Errno::INVAL.into()),
    };
    let fd = host_of(e, Errno::SPIPE)?;
    // SAFETY: plain syscall on an fd we own; it returns the error number instead of -1.
    let r = unsafe { libc::posix_fadvise(fd, a[1] as i64, a[2] as i64, advice) };
    if r != 0 {
        return Err(Errno::from_host(r).into());
    }
    Ok(())
}

pub fn fd_allocate(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_ALLOCATE)?;
    let fd = host_of(e, Errno::SPIPE)?;
    let (off, len) = (a[1] as i64, a[2] as i64);
    if off < 0 || len <= 0 {
        return Err(Errno::INVAL.into());
    }
    // SAFETY: plain syscall on an fd we own; it returns the error number instead of -1.
    let r = unsafe { libc::posix_fallocate(fd, off, len) };
    if r != 0 {
        return Err(Errno::from_host(r).into());
    }
    Ok(())
}

pub fn fd_close(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    // Dropping the entry closes its host fd.
    cx.fds.remove(a[0] as u32)?;
    Ok(())
}

pub fn fd_datasync(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_DATASYNC)?;
    let fd = host_of(e, Errno::INVAL)?;
    // SAFETY: plain syscall on an fd we own.
    cvt(|| unsafe { libc::fdatasync(fd) })?;
    Ok(())
}

pub fn fd_sync(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_SYNC)?;
    let fd = host_of(e, Errno::INVAL)?;
    // SAFETY: plain syscall on an fd we own.
    cvt(|| unsafe { libc::fsync(fd) })?;
    Ok(())
}

fn fdflags_of(e: &FdEntry) -> WasiResult<u16> {
    let Some(fd) = e.host_fd() else { return Ok(0) };
    // SAFETY: plain syscall on an fd we own.
    let fl = cvt(|| unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    let mut out = 0;
    if fl & libc::O_APPEND != 0 {
        out |= FDFLAGS_APPEND;
    }
    if fl & libc::O_NONBLOCK != 0 {
        out |= FDFLAGS_NONBLOCK;
    }
    // O_SYNC includes the O_DSYNC bit on Linux.
    if fl & libc::O_SYNC == libc::O_SYNC {
        out |= FDFLAGS_SYNC;
    } else if fl & libc::O_DSYNC != 0 {
        out |= FDFLAGS_DSYNC;
    }
    Ok(out)
}

pub fn fd_fdstat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?;
    let mut rec = [0u8; FDSTAT_SIZE as usize];
    rec[0] = e.filetype;
    rec[2..4].copy_from_slice(&fdflags_of(e)?.to_le_bytes());
    rec[8..16].copy_from_slice(&e.rights_base.to_le_bytes());
    rec[16..24].copy_from_slice(&e.rights_inheriting.to_le_bytes());
    mem.write(a[1] as u32, &rec)?;
    Ok(())
}

pub fn fd_fdstat_set_flags(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_FDSTAT_SET_FLAGS)?;
    let flags = a[1] as u16;
    if flags & !(FDFLAGS_APPEND | FDFLAGS_DSYNC | FDFLAGS_NONBLOCK | FDFLAGS_RSYNC | FDFLAGS_SYNC) != 0 {
        return Err(Errno::INVAL.into());
    }
    // Linux cannot change the synchronisation flags of an open file.
    if flags & (FDFLAGS_DSYNC | FDFLAGS_RSYNC | FDFLAGS_SYNC) != 0 {
        return Err(Errno::NOTSUP.into());
    }
    let Some(fd) = e.host_fd() else {
        // In-memory streams are always appending and never block.
        return Ok(());
    };
    let mut fl = 0;
    if flags & FDFLAGS_APPEND != 0 {
        fl |= libc::O_APPEND;
    }
    if flags & FDFLAGS_NONBLOCK != 0 {
        fl |= libc::O_NONBLOCK;
    }
    // SAFETY: plain syscall on an fd we own.
    cvt(|| unsafe { libc::fcntl(fd, libc::F_SETFL, fl) })?;
    Ok(())
}

pub fn fd_fdstat_set_rights(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get_mut(a[0] as u32)?;
    let (base, inheriting) = (a[1], a[2]);
    // Rights can only be dropped, never gained.
    if base & !e.rights_base != 0 || inheriting & !e.rights_inheriting != 0 {
        return Err(Errno::NOTCAPABLE.into());
    }
    e.rights_base = base;
    e.rights_inheriting = inheriting;
    Ok(())
}

pub fn fd_filestat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_FILESTAT_GET)?;
    match e.host_fd() {
        Some(fd) => {
            let st = fstat(fd)?;
            write_filestat(mem, a[1] as u32, &st, e.filetype)?;
        }
        None => {
            // SAFETY: an all-zero stat is valid plain data.
            let st: libc::stat = unsafe { std::mem::zeroed() };
            write_filestat(mem, a[1] as u32, &st, e.filetype)?;
        }
    }
    Ok(())
}

pub fn fd_filestat_set_size(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_FILESTAT_SET_SIZE)?;
    let fd = host_of(e, Errno::INVAL)?;
    let size = i64::try_from(a[1]).map_err(|_| Errno::FBIG)?;
    // SAFETY: plain syscall on an fd we own.
    cvt(|| unsafe { libc::ftruncate(fd, size) })?;
    Ok(())
}

pub fn fd_filestat_set_times(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?.require(RIGHT_FD_FILESTAT_SET_TIMES)?;
    let times = timespecs(a[1], a[2], a[3] as u16)?;
    let fd = host_of(e, Errno::NOTSUP)?;
    // SAFETY: `times` is an array of two timespecs, as futimens requires.
    cvt(|| unsafe { libc::futimens(fd, times.as_ptr()) })?;
    Ok(())
}

/// Reads into the guest's iovecs from an in-memory stdin.
fn mem_read(input: &std::sync::Mutex<MemInput>, mem: &mut GuestMemory, bufs: &[(u32, u32)]) -> WasiResult<usize> {
    let mut input = input.lock().unwrap_or_else(|p| p.into_inner());
    let mut total = 0;
    for &(ptr, len) in bufs {
        let avail = input.data.len() - input.pos;
        let n = (len as usize).min(avail);
        let chunk = input.data[input.pos..input.pos + n].to_vec();
        mem.write(ptr, &chunk)?;
        input.pos += n;
        total += n;
        if n < len as usize {
            break;
        }
    }
    Ok(total)
}

fn mem_write(out: &std::sync::Mutex<MemOutput>, mem: &GuestMemory, bufs: &[(u32, u32)]) -> WasiResult<usize> {
    let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
    let mut total = 0;
    for &(ptr, len) in bufs {
        let data = mem.slice(ptr, len)?;
        match out.append(data) {
            Ok(n) => {
                total += n;
                if n < data.len() {
                    break;
                }
            }
            // Report what was written before the buffer filled up.
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(total)
}

fn read_common(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64], offset: Option<u64>) -> WasiResult<u32> {
    let rights = if offset.is_some() { RIGHT_FD_READ | RIGHT_FD_SEEK } else { RIGHT_FD_READ };
    let e = cx.fds.get(a[0] as u32)?.require(rights)?;
    let bufs = mem.iovecs(a[1] as u32, a[2] as u32)?;
    let n = match &e.handle {
        Handle::Host(_) => {
            let fd = host_of(e, Errno::BADF)?;
            let iov = mem.host_iovecs(&bufs)?;
            // SAFETY: each iovec points into guest memory checked to hold its length, and
            // nothing else accesses that memory during the call.
            cvt(|| unsafe {
                match offset {
                    Some(off) => libc::preadv(fd, iov.as_ptr(), iov.len() as i32, off as i64),
                    None => libc::readv(fd, iov.as_ptr(), iov.len() as i32),
                }
            })? as usize
        }
        Handle::MemIn(input) if offset.is_none() => mem_read(input, mem, &bufs)?,
        Handle::MemIn(_) => return Err(Errno::SPIPE),
        Handle::MemOut(_) => return Err(Errno::BADF),
    };
    Ok(n as u32)
}

fn write_common(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64], offset: Option<u64>) -> WasiResult<u32> {
    let rights = if offset.is_some() { RIGHT_FD_WRITE | RIGHT_FD_SEEK } else { RIGHT_FD_WRITE };
    let e = cx.fds.get(a[0] as u32)?.require(rights)?;
    let bufs = mem.iovecs(a[1] as u32, a[2] as u32)?;
    let n = match &e.handle {
        Handle::Host(_) => {
            let fd = host_of(e, Errno::BADF)?;
            let iov = mem.host_iovecs(&bufs)?;
            // SAFETY: each iovec points into guest memory checked to hold its length.
            cvt(|| unsafe {
                match offset {
                    Some(off) => libc::pwritev(fd, iov.as_ptr(), iov.len() as i32, off as i64),
                    None => libc::writev(fd, iov.as_ptr(), iov.len() as i32),
                }
            })? as usize
        }
        Handle::MemOut(out) if offset.is_none() => mem_write(out, mem, &bufs)?,
        Handle::MemOut(_) => return Err(Errno::SPIPE),
        Handle::MemIn(_) => return Err(Errno::BADF),
    };
    Ok(n as u32)
}

pub fn fd_read(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let n = read_common(cx, mem, a, None)?;
    mem.write_u32(a[3] as u32, n)?;
    Ok(())
}

pub fn fd_pread(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let off = i64::try_from(a[3]).map_err(|_| Errno::INVAL)? as u64;
    let n = read_common(cx, mem, a, Some(off))?;
    mem.write_u32(a[4] as u32, n)?;
    Ok(())
}

pub fn fd_write(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let n = write_common(cx, mem, a, None)?;
    mem.write_u32(a[3] as u32, n)?;
    Ok(())
}

pub fn fd_pwrite(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let off = i64::try_from(a[3]).map_err(|_| Errno::INVAL)? as u64;
    let n = write_common(cx, mem, a, Some(off))?;
    mem.write_u32(a[4] as u32, n)?;
    Ok(())
}

pub fn fd_prestat_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?;
    let name = e.preopen.as_ref().ok_or(Errno::BADF)?;
    let mut rec = [0u8; PRESTAT_SIZE as usize];
    rec[4..8].copy_from_slice(&(name.len() as u32).to_le_bytes());
    mem.write(a[1] as u32, &rec)?;
    Ok(())
}

pub fn fd_prestat_dir_name(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let e = cx.fds.get(a[0] as u32)?;
    let name = e.preopen.as_ref().ok_or(Errno::BADF)?;
    if (a[2] as u32 as usize) < name.len() {
        return Err(Errno::NAMETOOLONG.into());
    }
    mem.write(a[1] as u32, name)?;
    Ok(())
}

/// Every entry of the directory open at `fd`, in the order the kernel lists them.
fn list_dir(fd: i32) -> WasiResult<Vec<DirEntry>> {
    // A fresh open of "." gives the stream its own offset, independent of the guest's fd.
    // SAFETY: "." is a valid C string; openat on a directory fd we own.
    let dfd = cvt(|| unsafe { libc::openat(fd, c".".as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC) })?;
    // SAFETY: fdopendir takes ownership of `dfd` on success.
    let dir = unsafe { libc::fdopendir(dfd) };
    if dir.is_null() {
        let err = Errno::last_os();
        // SAFETY: fdopendir failed, so `dfd` is still ours to close.
        drop(unsafe { OwnedFd::from_raw_fd(dfd) });
        return Err(err);
    }
    let mut out = Vec::new();
    let result = loop {
        // SAFETY: resetting errno distinguishes end of directory from an error below.
        unsafe { *libc::__errno_location() = 0 };
        // SAFETY: `dir` is a live DIR stream.
        let ent = unsafe { libc::readdir64(dir) };
        if ent.is_null() {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
            break if errno == 0 { Ok(()) } else { Err(Errno::from_host(errno)) };
        }
        // SAFETY: readdir returned a valid entry whose name is NUL-terminated.
        let (ino, dtype, name) = unsafe {
            ((*ent).d_ino, (*ent).d_type, std::ffi::CStr::from_ptr((*ent).d_name.as_ptr()).to_bytes().to_vec())
        };
        let filetype = match dtype {
            libc::DT_REG => FILETYPE_REGULAR_FILE,
            libc::DT_DIR => FILETYPE_DIRECTORY,
            libc::DT_LNK => FILETYPE_SYMBOLIC_LINK,
            libc::DT_CHR => FILETYPE_CHARACTER_DEVICE,
            libc::DT_BLK => FILETYPE_BLOCK_DEVICE,
            libc::DT_SOCK => FILETYPE_SOCKET_STREAM,
            _ => FILETYPE_UNKNOWN,
        };
        if out.try_reserve(1).is_err() {
            break Err(Errno::NOMEM);
        }
        out.push(DirEntry { ino, filetype, name });
    };
    // SAFETY: `dir` is live and closed exactly once (closing its fd too).
    unsafe { libc::closedir(dir) };
    result.map(|_| out)
}

pub fn fd_readdir(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let (buf, buf_len, cookie, used_ptr) = (a[1] as u32, a[2] as u32, a[3], a[4] as u32);
    let e = cx.fds.get_mut(a[0] as u32)?;
    if e.filetype != FILETYPE_DIRECTORY {
        return Err(Errno::NOTDIR.into());
    }
    e.require(RIGHT_FD_READDIR)?;
    mem.slice(buf, buf_len)?;
    let fd = host_of(e, Errno::NOTDIR)?;
    // Starting over re-reads the directory; later calls continue in the same snapshot, so
    // cookies stay meaningful while the guest iterates.
    if cookie == 0 || e.dir_cache.is_none() {
        e.dir_cache = Some(list_dir(fd)?);
    }
    let entries = e.dir_cache.as_ref().map(|v| &v[..]).unwrap_or(&[]);
    let mut used: u32 = 0;
    let start = usize::try_from(cookie).unwrap_or(usize::MAX);
    for (i, ent) in entries.iter().enumerate().skip(start) {
        if used == buf_len {
            break;
        }
        let mut rec = Vec::new();
        rec.try_reserve(DIRENT_SIZE as usize + ent.name.len()).map_err(|_| Errno::NOMEM)?;
        rec.extend_from_slice(&(i as u64 + 1).to_le_bytes());
        rec.extend_from_slice(&ent.ino.to_le_bytes());
        rec.extend_from_slice(&(ent.name.len() as u32).to_le_bytes());
        rec.extend_from_slice(&[ent.filetype, 0, 0, 0]);
        rec.extend_from_slice(&ent.name);
        let room = (buf_len - used) as usize;
        let n = rec.len().min(room);
        mem.write(buf + used, &rec[..n])?;
        used += n as u32;
        if n < rec.len() {
            break;
        }
    }
    mem.write_u32(used_ptr, used)?;
    Ok(())
}

pub fn fd_renumber(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    cx.fds.renumber(a[0] as u32, a[1] as u32)?;
    Ok(())
}

fn seek(cx: &mut WasiCtx, fd: u32, offset: i64, whence: u8) -> WasiResult<u64> {
    let e = cx.fds.get(fd)?;
    let rights = if whence == WHENCE_CUR && offset == 0 { RIGHT_FD_TELL } else { RIGHT_FD_SEEK };
    // A seek right also allows telling.
    if e.rights_base & (rights | RIGHT_FD_SEEK) == 0 {
        return Err(Errno::NOTCAPABLE);
    }
    let how = match whence {
        WHENCE_SET => libc::SEEK_SET,
        WHENCE_CUR => libc::SEEK_CUR,
        WHENCE_END => libc::SEEK_END,
        _ => return Err(Errno::INVAL),
    };
    let host = host_of(e, Errno::SPIPE)?;
    // SAFETY: plain syscall on an fd we own.
    let pos = cvt(|| unsafe { libc::lseek(host, offset, how) })?;
    Ok(pos as u64)
}

pub fn fd_seek(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let whence = u8::try_from(a[2] as u32).map_err(|_| Errno::INVAL)?;
    let pos = seek(cx, a[0] as u32, a[1] as i64, whence)?;
    mem.write_u64(a[3] as u32, pos)?;
    Ok(())
}

pub fn fd_tell(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let pos = seek(cx, a[0] as u32, 0, WHENCE_CUR)?;
    mem.write_u64(a[1] as u32, pos)?;
    Ok(())
}
