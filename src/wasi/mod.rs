//! WASI preview 1 (`wasi_snapshot_preview1`) for wasmlift: every function of the snapshot,
//! implemented on the host against a capability sandbox (see path.rs), and offered to
//! embedders through the C API in capi/wasi.rs as ordinary host functions.
//!
//! Layout: types.rs (errno, rights, flags, record layouts), config.rs (what the embedder
//! sets), ctx.rs (one guest's state), fdtable.rs (fd numbers), path.rs (resolution beneath a
//! preopen), memory.rs (checked guest memory), and one file per function group: misc.rs (args,
//! environ, clocks, random, sched, proc), fd.rs, path_ops.rs, poll.rs, sock.rs.

pub mod config;
pub mod ctx;
pub mod fd;
pub mod fdtable;
pub mod memory;
pub mod misc;
pub mod path;
pub mod path_ops;
pub mod poll;
pub mod sock;
pub mod types;

use ctx::CallResult;
use memory::GuestMemory;

pub const MODULE_NAME: &str = "wasi_snapshot_preview1";

/// A parameter type of a WASI function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Param {
    I32,
    I64,
}
use Param::{I32, I64};

pub type Implementation = fn(&mut ctx::WasiCtx, &mut GuestMemory, &[u64]) -> CallResult;

/// One function of the snapshot: its import name, signature and implementation. Every
/// function returns an errno (i32) except proc_exit, which returns nothing.
pub struct WasiFunc {
    pub name: &'static str,
    pub params: &'static [Param],
    pub returns_errno: bool,
    /// Whether it touches guest memory (and so needs the instance's memory bound).
    pub needs_memory: bool,
    pub run: Implementation,
}

macro_rules! f {
    ($name:ident, $module:ident, [$($p:ident),*], $mem:expr) => {
        WasiFunc { name: stringify!($name), params: &[$($p),*], returns_errno: true, needs_memory: $mem, run: $module::$name }
    };
}

/// The whole snapshot, in witx order.
pub static FUNCTIONS: &[WasiFunc] = &[
    f!(args_get, misc, [I32, I32], true),
    f!(args_sizes_get, misc, [I32, I32], true),
    f!(environ_get, misc, [I32, I32], true),
    f!(environ_sizes_get, misc, [I32, I32], true),
    f!(clock_res_get, misc, [I32, I32], true),
    f!(clock_time_get, misc, [I32, I64, I32], true),
    f!(fd_advise, fd, [I32, I64, I64, I32], false),
    f!(fd_allocate, fd, [I32, I64, I64], false),
    f!(fd_close, fd, [I32], false),
    f!(fd_datasync, fd, [I32], false),
    f!(fd_fdstat_get, fd, [I32, I32], true),
    f!(fd_fdstat_set_flags, fd, [I32, I32], false),
    f!(fd_fdstat_set_rights, fd, [I32, I64, I64], false),
    f!(fd_filestat_get, fd, [I32, I32], true),
    f!(fd_filestat_set_size, fd, [I32, I64], false),
    f!(fd_filestat_set_times, fd, [I32, I64, I64, I32], false),
    f!(fd_pread, fd, [I32, I32, I32, I64, I32], true),
    f!(fd_prestat_get, fd, [I32, I32], true),
    f!(fd_prestat_dir_name, fd, [I32, I32, I32], true),
    f!(fd_pwrite, fd, [I32, I32, I32, I64, I32], true),
    f!(fd_read, fd, [I32, I32, I32, I32], true),
    f!(fd_readdir, fd, [I32, I32, I32, I64, I32], true),
    f!(fd_renumber, fd, [I32, I32], false),
    f!(fd_seek, fd, [I32, I64, I32, I32], true),
    f!(fd_sync, fd, [I32], false),
    f!(fd_tell, fd, [I32, I32], true),
    f!(fd_write, fd, [I32, I32, I32, I32], true),
    f!(path_create_directory, path_ops, [I32, I32, I32], true),
    f!(path_filestat_get, path_ops, [I32, I32, I32, I32, I32], true),
    f!(path_filestat_set_times, path_ops, [I32, I32, I32, I32, I64, I64, I32], true),
    f!(path_link, path_ops, [I32, I32, I32, I32, I32, I32, I32], true),
    f!(path_open, path_ops, [I32, I32, I32, I32, I32, I64, I64, I32, I32], true),
    f!(path_readlink, path_ops, [I32, I32, I32, I32, I32, I32], true),
    f!(path_remove_directory, path_ops, [I32, I32, I32], true),
    f!(path_rename, path_ops, [I32, I32, I32, I32, I32, I32], true),
    f!(path_symlink, path_ops, [I32, I32, I32, I32, I32], true),
    f!(path_unlink_file, path_ops, [I32, I32, I32], true),
    f!(poll_oneoff, poll, [I32, I32, I32, I32], true),
    WasiFunc { name: "proc_exit", params: &[I32], returns_errno: false, needs_memory: false, run: misc::proc_exit },
    f!(proc_raise, misc, [I32], false),
    f!(sched_yield, misc, [], false),
    f!(random_get, misc, [I32, I32], true),
    f!(sock_accept, sock, [I32, I32, I32], true),
    f!(sock_recv, sock, [I32, I32, I32, I32, I32, I32], true),
    f!(sock_send, sock, [I32, I32, I32, I32, I32], true),
    f!(sock_shutdown, sock, [I32, I32], false),
];

pub fn lookup(name: &str) -> Option<&'static WasiFunc> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_is_complete_and_unique() {
        assert_eq!(FUNCTIONS.len(), 46);
        let mut names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 46);
        assert!(lookup("fd_write").is_some());
        assert!(lookup("fd_writ").is_none());
    }

    #[test]
    fn host_errnos_map_to_the_spec_values() {
        use types::Errno;
        assert_eq!(Errno::from_host(libc::ENOENT), Errno(44));
        assert_eq!(Errno::from_host(libc::EBADF), Errno(8));
        assert_eq!(Errno::from_host(libc::EXDEV), Errno(76));
        assert_eq!(Errno::from_host(libc::ELOOP), Errno(32));
        assert_eq!(Errno::from_host(libc::ENOTEMPTY), Errno(55));
    }
}
