//! args_*, environ_*, clock_*, random_get, sched_yield, proc_exit and proc_raise.

use super::ctx::{CallResult, Stop, WasiCtx};
use super::memory::GuestMemory;
use super::types::*;

/// Writes a list of strings the way args_get/environ_get lay them out: a pointer per string
/// into `ptrs`, the NUL-terminated strings back to back into `buf`.
fn write_string_list(mem: &mut GuestMemory, list: &[Vec<u8>], ptrs: u32, buf: u32) -> CallResult {
    // Offsets in u64: the last string may end at the very top of a 4 GiB memory.
    let mut at = buf as u64;
    for (i, s) in list.iter().enumerate() {
        let slot = u32::try_from(ptrs as u64 + i as u64 * 4).map_err(|_| Errno::FAULT)?;
        let here = u32::try_from(at).map_err(|_| Errno::FAULT)?;
        mem.write_u32(slot, here)?;
        mem.write(here, s)?;
        let end = u32::try_from(at + s.len() as u64).map_err(|_| Errno::FAULT)?;
        mem.write_u8(end, 0)?;
        at = end as u64 + 1;
    }
    Ok(())
}

fn write_list_sizes(mem: &mut GuestMemory, list: &[Vec<u8>], count_ptr: u32, size_ptr: u32) -> CallResult {
    let total: usize = list.iter().map(|s| s.len() + 1).sum();
    let total = u32::try_from(total).map_err(|_| Errno::OVERFLOW)?;
    mem.write_u32(count_ptr, list.len() as u32)?;
    mem.write_u32(size_ptr, total)?;
    Ok(())
}

pub fn args_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    write_string_list(mem, &cx.args, a[0] as u32, a[1] as u32)
}
pub fn args_sizes_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    write_list_sizes(mem, &cx.args, a[0] as u32, a[1] as u32)
}
pub fn environ_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    write_string_list(mem, &cx.env, a[0] as u32, a[1] as u32)
}
pub fn environ_sizes_get(cx: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    write_list_sizes(mem, &cx.env, a[0] as u32, a[1] as u32)
}

pub fn host_clock(id: u32) -> WasiResult<libc::clockid_t> {
    Ok(match id {
        CLOCK_REALTIME => libc::CLOCK_REALTIME,
        CLOCK_MONOTONIC => libc::CLOCK_MONOTONIC,
        CLOCK_PROCESS_CPUTIME_ID => libc::CLOCK_PROCESS_CPUTIME_ID,
        CLOCK_THREAD_CPUTIME_ID => libc::CLOCK_THREAD_CPUTIME_ID,
        _ => return Err(Errno::INVAL),
    })
}

/// The time of a WASI clock in nanoseconds.
pub fn now(id: u32) -> WasiResult<u64> {
    let clock = host_clock(id)?;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec for the kernel to fill.
    cvt(|| unsafe { libc::clock_gettime(clock, &mut ts) })?;
    Ok((ts.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec as u64))
}

pub fn clock_res_get(_: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let clock = host_clock(a[0] as u32)?;
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid timespec for the kernel to fill.
    cvt(|| unsafe { libc::clock_getres(clock, &mut ts) })?;
    let ns = (ts.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec as u64);
    mem.write_u64(a[1] as u32, ns)?;
    Ok(())
}

pub fn clock_time_get(_: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    // a[1] is the precision the guest tolerates; reading the clock exactly always satisfies it.
    let t = now(a[0] as u32)?;
    mem.write_u64(a[2] as u32, t)?;
    Ok(())
}

pub fn random_get(_: &mut WasiCtx, mem: &mut GuestMemory, a: &[u64]) -> CallResult {
    let buf = mem.slice_mut(a[0] as u32, a[1] as u32)?;
    let mut filled = 0;
    while filled < buf.len() {
        let rest = &mut buf[filled..];
        // SAFETY: `rest` is writable memory of the given length.
        let n = cvt(|| unsafe { libc::getrandom(rest.as_mut_ptr() as *mut libc::c_void, rest.len(), 0) })?;
        filled += n as usize;
    }
    Ok(())
}

pub fn sched_yield(_: &mut WasiCtx, _: &mut GuestMemory, _: &[u64]) -> CallResult {
    // SAFETY: no arguments; cannot fail on Linux.
    unsafe { libc::sched_yield() };
    Ok(())
}

pub fn proc_exit(_: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    Err(Stop::Exit(a[0] as u32))
}

/// A guest is not a host process, so a signal it raises acts on the guest only: signals whose
/// default action is to ignore do nothing, signals that terminate end the guest like
/// proc_exit with status 128 + the host signal number (the shell convention).
pub fn proc_raise(_: &mut WasiCtx, _: &mut GuestMemory, a: &[u64]) -> CallResult {
    // The preview1 `signal` enum: none, hup, int, quit, ill, trap, abrt, bus, fpe, kill, usr1,
    // segv, usr2, pipe, alrm, term, chld, cont, stop, tstp, ttin, ttou, urg, xcpu, xfsz,
    // vtalrm, prof, winch, poll, pwr, sys.
    const HOST: [i32; 31] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31,
    ];
    let sig = a[0] as u32;
    let Some(&host) = HOST.get(sig as usize) else { return Err(Errno::INVAL.into()) };
    match sig {
        0 => Ok(()),
        // chld, cont, urg, winch: ignored by default.
        16 | 17 | 22 | 27 => Ok(()),
        // stop, tstp, ttin, ttou would suspend a process; a guest cannot be suspended.
        18..=21 => Err(Errno::NOTSUP.into()),
        _ => Err(Stop::Exit(128 + host as u32)),
    }
}
