//! poll_oneoff: waits for clock deadlines and fd readiness together, with one host poll(2).

use super::ctx::{CallResult, WasiCtx};
use super::fdtable::*;
use super::memory::GuestMemory;
use super::misc::now;
use super::types::*;

enum Waiting {
    /// A deadline on the monotonic clock (ns).
    Clock { deadline: u64 },
    /// Index into the host pollfd array.
    HostFd { slot: usize, read: bool, regular_file: bool },
    /// Already decided: an in-memory stream (always ready) or an error.
    Ready { nbytes: u64, error: Errno },
}

struct Sub {
    userdata: u64,
    kind: u8,
    waiting: Waiting,
}

fn write_event(
    mem: &mut GuestMemory,
    at: u32,
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
    flags: u16,
) -> WasiResult<()> {
    let mut rec = [0u8; EVENT_SIZE as usize];
    rec[0..8].copy_from_slice(&userdata.to_le_bytes());
    rec[8..10].copy_from_slice(&error.0.to_le_bytes());
    rec[10] = kind;
    rec[16..24].copy_from_slice(&nbytes.to_le_bytes());
    rec[24..26].copy_from_slice(&flags.to_le_bytes());
    mem.write(at, &rec)
}

/// Bytes readable without blocking on a host fd (for the event's nbytes).
fn readable_bytes(fd: i32, regular_file: bool) -> u64 {
    if regular_file {
        // SAFETY: plain syscalls on an fd we own; failures just report 0.
        let pos = unsafe { libc::lseek(fd, 0, libc::SEEK_CUR) };
        let st = super::fd::fstat(fd);
        return match (pos, st) {
            (p, Ok(st)) if p >= 0 => (st.st_size as u64).saturating_sub(p as u64),
            _ => 0,
        };
    }
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int.
    if unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) } == 0 {
        n.max(0) as u64
    } else {
        0
    }
}

pub fn poll_oneoff(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let (input, output, count, nevents_ptr) = (a[0] as u32, a[1] as u32, a[2] as u32, a[3] as u32);
    if count == 0 {
        return Err(Errno::INVAL.into());
    }
    mem.slice(input, count.checked_mul(SUBSCRIPTION_SIZE).ok_or(Errno::FAULT)?)?;
    mem.slice(output, count.checked_mul(EVENT_SIZE).ok_or(Errno::FAULT)?)?;
    mem.slice(nevents_ptr, 4)?;
    let start = now(CLOCK_MONOTONIC)?;
    let mut subs = Vec::new();
    let mut pollfds: Vec<libc::pollfd> = Vec::new();
    subs.try_reserve(count as usize).map_err(|_| Errno::NOMEM)?;
    for i in 0..count {
        let at = input + i * SUBSCRIPTION_SIZE;
        let userdata = mem.read_u64(at)?;
        let kind = mem.read_u8(at + 8)?;
        let waiting = match kind {
            EVENTTYPE_CLOCK => {
                let id = mem.read_u32(at + 16)?;
                let timeout = mem.read_u64(at + 24)?;
                let flags = mem.read_u16(at + 40)?;
                match now(id) {
                    Err(e) => Waiting::Ready { nbytes: 0, error: e },
                    Ok(clock_now) => {
                        let remaining = if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
                            timeout.saturating_sub(clock_now)
                        } else {
                            timeout
                        };
                        Waiting::Clock { deadline: start.saturating_add(remaining) }
                    }
                }
            }
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => {
                let fd = mem.read_u32(at + 16)?;
                let read = kind == EVENTTYPE_FD_READ;
                match cx.fds.get(fd) {
                    Err(e) => Waiting::Ready { nbytes: 0, error: e },
                    Ok(e)
                        if e.rights_base & RIGHT_POLL_FD_READWRITE == 0
                            && e.rights_base & if read { RIGHT_FD_READ } else { RIGHT_FD_WRITE } == 0 =>
                    {
                        Waiting::Ready { nbytes: 0, error: Errno::NOTCAPABLE }
                    }
                    Ok(e) => match &e.handle {
                        Handle::Host(_) => {
                            let host = e.host_fd().ok_or(Errno::BADF)?;
                            pollfds.try_reserve(1).map_err(|_| Errno::NOMEM)?;
                            pollfds.push(libc::pollfd {
                                fd: host,
                                events: if read { libc::POLLIN } else { libc::POLLOUT },
                                revents: 0,
                            });
                            Waiting::HostFd {
                                slot: pollfds.len() - 1,
                                read,
                                regular_file: e.filetype == FILETYPE_REGULAR_FILE,
                            }
                        }
                        Handle::MemIn(m) if read => {
                            let m = m.lock().unwrap_or_else(|p| p.into_inner());
                            Waiting::Ready { nbytes: (m.data.len() - m.pos) as u64, error: Errno::SUCCESS }
                        }
                        Handle::MemOut(m) if !read => {
                            let m = m.lock().unwrap_or_else(|p| p.into_inner());
                            Waiting::Ready { nbytes: m.max.saturating_sub(m.data.len()) as u64, error: Errno::SUCCESS }
                        }
                        _ => Waiting::Ready { nbytes: 0, error: Errno::BADF },
                    },
                }
            }
            _ => return Err(Errno::INVAL.into()),
        };
        subs.push(Sub { userdata, kind, waiting });
    }
    let anything_ready = subs.iter().any(|s| matches!(s.waiting, Waiting::Ready { .. }));
    let earliest = subs
        .iter()
        .filter_map(|s| if let Waiting::Clock { deadline } = s.waiting { Some(deadline) } else { None })
        .min();
    let mut current = start;
    loop {
        let timeout_ms: i32 = if anything_ready {
            0
        } else {
            match earliest {
                None => -1,
                Some(d) if d <= current => 0,
                // Round up so the wait never ends before the deadline.
                Some(d) => ((d - current).div_ceil(1_000_000)).min(i32::MAX as u64) as i32,
            }
        };
        let n = if pollfds.is_empty() && timeout_ms != 0 {
            let wait = earliest.map(|d| d.saturating_sub(current)).unwrap_or(0);
            let ts = libc::timespec { tv_sec: (wait / 1_000_000_000) as i64, tv_nsec: (wait % 1_000_000_000) as i64 };
            // SAFETY: `ts` is a valid timespec; an interrupted sleep just loops.
            unsafe { libc::clock_nanosleep(libc::CLOCK_MONOTONIC, 0, &ts, std::ptr::null_mut()) };
            0
        } else {
            // SAFETY: `pollfds` is a valid array of its length.
            let r = unsafe { libc::poll(pollfds.as_mut_ptr(), pollfds.len() as libc::nfds_t, timeout_ms) };
            if r < 0 {
                let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
                if e != libc::EINTR {
                    return Err(Errno::from_host(e).into());
                }
                0
            } else {
                r
            }
        };
        current = now(CLOCK_MONOTONIC)?;
        let clock_fired = earliest.is_some_and(|d| d <= current);
        if n > 0 || anything_ready || clock_fired {
            break;
        }
    }
    let mut written = 0u32;
    for s in &subs {
        let at = output + written * EVENT_SIZE;
        let event = match s.waiting {
            Waiting::Ready { nbytes, error } => Some((error, nbytes, 0)),
            Waiting::Clock { deadline } if deadline <= current => Some((Errno::SUCCESS, 0, 0)),
            Waiting::Clock { .. } => None,
            Waiting::HostFd { slot, read, regular_file } => {
                let re = pollfds[slot].revents;
                if re & libc::POLLNVAL != 0 {
                    Some((Errno::BADF, 0, 0))
                } else if re & libc::POLLERR != 0 && re & (libc::POLLIN | libc::POLLOUT) == 0 {
                    Some((Errno::IO, 0, 0))
                } else if re != 0 {
                    let hangup = if re & libc::POLLHUP != 0 { EVENTRWFLAGS_HANGUP } else { 0 };
                    let nbytes = if read { readable_bytes(pollfds[slot].fd, regular_file) } else { 0 };
                    Some((Errno::SUCCESS, nbytes, hangup))
                } else {
                    None
                }
            }
        };
        if let Some((error, nbytes, flags)) = event {
            write_event(mem, at, s.userdata, error, s.kind, nbytes, flags)?;
            written += 1;
        }
    }
    mem.write_u32(nevents_ptr, written)?;
    Ok(())
}
