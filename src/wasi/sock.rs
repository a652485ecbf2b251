//! sock_accept, sock_recv, sock_send and sock_shutdown on sockets the embedder preopened (and
//! on the connections accepted from them).

use super::ctx::{CallResult, WasiCtx};
use super::fdtable::*;
use super::memory::GuestMemory;
use super::types::*;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

fn socket_fd(cx: &WasiCtx, fd: u64, rights: u64) -> WasiResult<i32> {
    let e = cx.fds.get(fd as u32)?;
    if e.filetype != FILETYPE_SOCKET_STREAM && e.filetype != FILETYPE_SOCKET_DGRAM {
        return Err(Errno::NOTSOCK);
    }
    e.require(rights)?;
    e.host_fd().ok_or(Errno::NOTSOCK)
}

pub fn sock_accept(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let listener = socket_fd(cx, a[0], RIGHT_SOCK_ACCEPT)?;
    let flags = a[1] as u32;
    if flags & !(FDFLAGS_NONBLOCK as u32) != 0 {
        return Err(Errno::INVAL.into());
    }
    mem.slice(a[2] as u32, 4)?;
    let host_flags = libc::SOCK_CLOEXEC | if flags != 0 { libc::SOCK_NONBLOCK } else { 0 };
    // SAFETY: no address is requested; accept4 on a socket fd we own.
    let conn = cvt(|| unsafe { libc::accept4(listener, std::ptr::null_mut(), std::ptr::null_mut(), host_flags) })?;
    // SAFETY: the kernel just created this fd; nobody else owns it.
    let conn = unsafe { OwnedFd::from_raw_fd(conn) };
    let filetype = filetype_of_fd(conn.as_raw_fd())?;
    let rights = SOCKET_RIGHTS & !RIGHT_SOCK_ACCEPT;
    let new_fd = cx.fds.insert(FdEntry {
        handle: Handle::Host(conn),
        filetype,
        rights_base: rights,
        rights_inheriting: 0,
        preopen: None,
        dir_cache: None,
    })?;
    mem.write_u32(a[2] as u32, new_fd)?;
    Ok(())
}

pub fn sock_recv(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let fd = socket_fd(cx, a[0], RIGHT_FD_READ)?;
    let flags = a[3] as u32;
    if flags & !((RIFLAGS_RECV_PEEK | RIFLAGS_RECV_WAITALL) as u32) != 0 {
        return Err(Errno::INVAL.into());
    }
    let bufs = mem.iovecs(a[1] as u32, a[2] as u32)?;
    let (len_ptr, flags_ptr) = (a[4] as u32, a[5] as u32);
    mem.slice(len_ptr, 4)?;
    mem.slice(flags_ptr, 2)?;
    let mut iov = mem.host_iovecs(&bufs)?;
    let mut host_flags = 0;
    if flags & RIFLAGS_RECV_PEEK as u32 != 0 {
        host_flags |= libc::MSG_PEEK;
    }
    if flags & RIFLAGS_RECV_WAITALL as u32 != 0 {
        host_flags |= libc::MSG_WAITALL;
    }
    // SAFETY: msghdr is plain data; only the iovec fields are set.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = iov.len();
    // SAFETY: every iovec points into guest memory checked to hold its length.
    let n = cvt(|| unsafe { libc::recvmsg(fd, &mut msg, host_flags) })?;
    let ro = if msg.msg_flags & libc::MSG_TRUNC != 0 { ROFLAGS_RECV_DATA_TRUNCATED } else { 0 };
    mem.write_u32(len_ptr, n as u32)?;
    mem.write_u16(flags_ptr, ro)?;
    Ok(())
}

pub fn sock_send(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let fd = socket_fd(cx, a[0], RIGHT_FD_WRITE)?;
    // siflags has no flags defined.
    if a[3] as u32 != 0 {
        return Err(Errno::INVAL.into());
    }
    let bufs = mem.iovecs(a[1] as u32, a[2] as u32)?;
    mem.slice(a[4] as u32, 4)?;
    let mut iov = mem.host_iovecs(&bufs)?;
    // SAFETY: msghdr is plain data; only the iovec fields are set.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = iov.as_mut_ptr();
    msg.msg_iovlen = iov.len();
    // MSG_NOSIGNAL: a closed peer is EPIPE for the guest, not SIGPIPE for the host process.
    // SAFETY: every iovec points into guest memory checked to hold its length.
    let n = cvt(|| unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL) })?;
    mem.write_u32(a[4] as u32, n as u32)?;
    Ok(())
}

pub fn sock_shutdown(cx: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    let fd = socket_fd(cx, a[0], RIGHT_SOCK_SHUTDOWN)?;
    let how = match a[1] as u32 {
        x if x == SDFLAGS_RD as u32 => libc::SHUT_RD,
        x if x == SDFLAGS_WR as u32 => libc::SHUT_WR,
        x if x == (SDFLAGS_RD | SDFLAGS_WR) as u32 => libc::SHUT_RDWR,
        _ => return Err(Errno::INVAL.into()),
    };
    // SAFETY: plain syscall on a socket fd we own.
    cvt(|| unsafe { libc::shutdown(fd, how) })?;
    Ok(())
}
