//! wasi_snapshot_preview1 constants and record layouts (errno, rights, flags, struct offsets),
//! as defined by the preview1 witx. Everything the guest sees is little-endian.
#![allow(dead_code)]

/// A WASI errno (the spec's `errno` enum, u16).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Errno(pub u16);

impl Errno {
    pub const SUCCESS: Errno = Errno(0);
    pub const TOOBIG: Errno = Errno(1);
    pub const ACCES: Errno = Errno(2);
    pub const ADDRINUSE: Errno = Errno(3);
    pub const ADDRNOTAVAIL: Errno = Errno(4);
    pub const AFNOSUPPORT: Errno = Errno(5);
    pub const AGAIN: Errno = Errno(6);
    pub const ALREADY: Errno = Errno(7);
    pub const BADF: Errno = Errno(8);
    pub const BADMSG: Errno = Errno(9);
    pub const BUSY: Errno = Errno(10);
    pub const CANCELED: Errno = Errno(11);
    pub const CHILD: Errno = Errno(12);
    pub const CONNABORTED: Errno = Errno(13);
    pub const CONNREFUSED: Errno = Errno(14);
    pub const CONNRESET: Errno = Errno(15);
    pub const DEADLK: Errno = Errno(16);
    pub const DESTADDRREQ: Errno = Errno(17);
    pub const DOM: Errno = Errno(18);
    pub const DQUOT: Errno = Errno(19);
    pub const EXIST: Errno = Errno(20);
    pub const FAULT: Errno = Errno(21);
    pub const FBIG: Errno = Errno(22);
    pub const HOSTUNREACH: Errno = Errno(23);
    pub const IDRM: Errno = Errno(24);
    pub const ILSEQ: Errno = Errno(25);
    pub const INPROGRESS: Errno = Errno(26);
    pub const INTR: Errno = Errno(27);
    pub const INVAL: Errno = Errno(28);
    pub const IO: Errno = Errno(29);
    pub const ISCONN: Errno = Errno(30);
    pub const ISDIR: Errno = Errno(31);
    pub const LOOP: Errno = Errno(32);
    pub const MFILE: Errno = Errno(33);
    pub const MLINK: Errno = Errno(34);
    pub const MSGSIZE: Errno = Errno(35);
    pub const MULTIHOP: Errno = Errno(36);
    pub const NAMETOOLONG: Errno = Errno(37);
    pub const NETDOWN: Errno = Errno(38);
    pub const NETRESET: Errno = Errno(39);
    pub const NETUNREACH: Errno = Errno(40);
    pub const NFILE: Errno = Errno(41);
    pub const NOBUFS: Errno = Errno(42);
    pub const NODEV: Errno = Errno(43);
    pub const NOENT: Errno = Errno(44);
    pub const NOEXEC: Errno = Errno(45);
    pub const NOLCK: Errno = Errno(46);
    pub const NOLINK: Errno = Errno(47);
    pub const NOMEM: Errno = Errno(48);
    pub const NOMSG: Errno = Errno(49);
    pub const NOPROTOOPT: Errno = Errno(50);
    pub const NOSPC: Errno = Errno(51);
    pub const NOSYS: Errno = Errno(52);
    pub const NOTCONN: Errno = Errno(53);
    pub const NOTDIR: Errno = Errno(54);
    pub const NOTEMPTY: Errno = Errno(55);
    pub const NOTRECOVERABLE: Errno = Errno(56);
    pub const NOTSOCK: Errno = Errno(57);
    pub const NOTSUP: Errno = Errno(58);
    pub const NOTTY: Errno = Errno(59);
    pub const NXIO: Errno = Errno(60);
    pub const OVERFLOW: Errno = Errno(61);
    pub const OWNERDEAD: Errno = Errno(62);
    pub const PERM: Errno = Errno(63);
    pub const PIPE: Errno = Errno(64);
    pub const PROTO: Errno = Errno(65);
    pub const PROTONOSUPPORT: Errno = Errno(66);
    pub const PROTOTYPE: Errno = Errno(67);
    pub const RANGE: Errno = Errno(68);
    pub const ROFS: Errno = Errno(69);
    pub const SPIPE: Errno = Errno(70);
    pub const SRCH: Errno = Errno(71);
    pub const STALE: Errno = Errno(72);
    pub const TIMEDOUT: Errno = Errno(73);
    pub const TXTBSY: Errno = Errno(74);
    pub const XDEV: Errno = Errno(75);
    pub const NOTCAPABLE: Errno = Errno(76);

    /// The current thread's host errno, translated.
    pub fn last_os() -> Errno {
        Errno::from_host(std::io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }

    /// Translates a Linux errno. EXDEV comes from openat2's RESOLVE_BENEATH when a path would
    /// leave its preopen, which is a missing capability from the guest's point of view.
    pub fn from_host(e: i32) -> Errno {
        use libc::*;
        match e {
            E2BIG => Errno::TOOBIG,
            EACCES => Errno::ACCES,
            EADDRINUSE => Errno::ADDRINUSE,
            EADDRNOTAVAIL => Errno::ADDRNOTAVAIL,
            EAFNOSUPPORT => Errno::AFNOSUPPORT,
            EAGAIN => Errno::AGAIN,
            EALREADY => Errno::ALREADY,
            EBADF => Errno::BADF,
            EBADMSG => Errno::BADMSG,
            EBUSY => Errno::BUSY,
            ECANCELED => Errno::CANCELED,
            ECHILD => Errno::CHILD,
            ECONNABORTED => Errno::CONNABORTED,
            ECONNREFUSED => Errno::CONNREFUSED,
            ECONNRESET => Errno::CONNRESET,
            EDEADLK => Errno::DEADLK,
            EDESTADDRREQ => Errno::DESTADDRREQ,
            EDOM => Errno::DOM,
            EDQUOT => Errno::DQUOT,
            EEXIST => Errno::EXIST,
            EFAULT => Errno::FAULT,
            EFBIG => Errno::FBIG,
            EHOSTUNREACH => Errno::HOSTUNREACH,
            EIDRM => Errno::IDRM,
            EILSEQ => Errno::ILSEQ,
            EINPROGRESS => Errno::INPROGRESS,
            EINTR => Errno::INTR,
            EINVAL => Errno::INVAL,
            EIO => Errno::IO,
            EISCONN => Errno::ISCONN,
            EISDIR => Errno::ISDIR,
            ELOOP => Errno::LOOP,
            EMFILE => Errno::MFILE,
            EMLINK => Errno::MLINK,
            EMSGSIZE => Errno::MSGSIZE,
            EMULTIHOP => Errno::MULTIHOP,
            ENAMETOOLONG => Errno::NAMETOOLONG,
            ENETDOWN => Errno::NETDOWN,
            ENETRESET => Errno::NETRESET,
            ENETUNREACH => Errno::NETUNREACH,
            ENFILE => Errno::NFILE,
            ENOBUFS => Errno::NOBUFS,
            ENODEV => Errno::NODEV,
            ENOENT => Errno::NOENT,
            ENOEXEC => Errno::NOEXEC,
            ENOLCK => Errno::NOLCK,
            ENOLINK => Errno::NOLINK,
            ENOMEM => Errno::NOMEM,
            ENOMSG => Errno::NOMSG,
            ENOPROTOOPT => Errno::NOPROTOOPT,
            ENOSPC => Errno::NOSPC,
            ENOSYS => Errno::NOSYS,
            ENOTCONN => Errno::NOTCONN,
            ENOTDIR => Errno::NOTDIR,
            ENOTEMPTY => Errno::NOTEMPTY,
            ENOTRECOVERABLE => Errno::NOTRECOVERABLE,
            ENOTSOCK => Errno::NOTSOCK,
            EOPNOTSUPP => Errno::NOTSUP,
            ENOTTY => Errno::NOTTY,
            ENXIO => Errno::NXIO,
            EOVERFLOW => Errno::OVERFLOW,
            EOWNERDEAD => Errno::OWNERDEAD,
            EPERM => Errno::PERM,
            EPIPE => Errno::PIPE,
            EPROTO => Errno::PROTO,
            EPROTONOSUPPORT => Errno::PROTONOSUPPORT,
            EPROTOTYPE => Errno::PROTOTYPE,
            ERANGE => Errno::RANGE,
            EROFS => Errno::ROFS,
            ESPIPE => Errno::SPIPE,
            ESRCH => Errno::SRCH,
            ESTALE => Errno::STALE,
            ETIMEDOUT => Errno::TIMEDOUT,
            ETXTBSY => Errno::TXTBSY,
            EXDEV => Errno::NOTCAPABLE,
            _ => Errno::IO,
        }
    }
}

pub type WasiResult<T> = Result<T, Errno>;

/// Runs a libc call that returns -1 on failure, retrying on EINTR.
pub fn cvt<T: Copy + PartialOrd + Default>(mut f: impl FnMut() -> T) -> WasiResult<T> {
    loop {
        let r = f();
        if r >= T::default() {
            return Ok(r);
        }
        let e = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        if e != libc::EINTR {
            return Err(Errno::from_host(e));
        }
    }
}

// Rights (bit positions from the witx `rights` flags).
pub const RIGHT_FD_DATASYNC: u64 = 1 << 0;
pub const RIGHT_FD_READ: u64 = 1 << 1;
pub const RIGHT_FD_SEEK: u64 = 1 << 2;
pub const RIGHT_FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
pub const RIGHT_FD_SYNC: u64 = 1 << 4;
pub const RIGHT_FD_TELL: u64 = 1 << 5;
pub const RIGHT_FD_WRITE: u64 = 1 << 6;
pub const RIGHT_FD_ADVISE: u64 = 1 << 7;
pub const RIGHT_FD_ALLOCATE: u64 = 1 << 8;
pub const RIGHT_PATH_CREATE_DIRECTORY: u64 = 1 << 9;
pub const RIGHT_PATH_CREATE_FILE: u64 = 1 << 10;
pub const RIGHT_PATH_LINK_SOURCE: u64 = 1 << 11;
pub const RIGHT_PATH_LINK_TARGET: u64 = 1 << 12;
pub const RIGHT_PATH_OPEN: u64 = 1 << 13;
pub const RIGHT_FD_READDIR: u64 = 1 << 14;
pub const RIGHT_PATH_READLINK: u64 = 1 << 15;
pub const RIGHT_PATH_RENAME_SOURCE: u64 = 1 << 16;
pub const RIGHT_PATH_RENAME_TARGET: u64 = 1 << 17;
pub const RIGHT_PATH_FILESTAT_GET: u64 = 1 << 18;
pub const RIGHT_PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
pub const RIGHT_PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
pub const RIGHT_FD_FILESTAT_GET: u64 = 1 << 21;
pub const RIGHT_FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
pub const RIGHT_FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
pub const RIGHT_PATH_SYMLINK: u64 = 1 << 24;
pub const RIGHT_PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
pub const RIGHT_PATH_UNLINK_FILE: u64 = 1 << 26;
pub const RIGHT_POLL_FD_READWRITE: u64 = 1 << 27;
pub const RIGHT_SOCK_SHUTDOWN: u64 = 1 << 28;
pub const RIGHT_SOCK_ACCEPT: u64 = 1 << 29;
pub const RIGHTS_ALL: u64 = (1 << 30) - 1;

/// What an open regular file may do when nothing restricts it.
pub const FILE_RIGHTS_READ: u64 = RIGHT_FD_READ
    | RIGHT_FD_SEEK
    | RIGHT_FD_TELL
    | RIGHT_FD_ADVISE
    | RIGHT_FD_FILESTAT_GET
    | RIGHT_FD_FDSTAT_SET_FLAGS
    | RIGHT_POLL_FD_READWRITE;
pub const FILE_RIGHTS_WRITE: u64 = RIGHT_FD_DATASYNC
    | RIGHT_FD_SYNC
    | RIGHT_FD_WRITE
    | RIGHT_FD_ALLOCATE
    | RIGHT_FD_FILESTAT_SET_SIZE
    | RIGHT_FD_FILESTAT_SET_TIMES;
/// What a directory may do in a read-only preopen.
pub const DIR_RIGHTS_READ: u64 = RIGHT_FD_FDSTAT_SET_FLAGS
    | RIGHT_FD_ADVISE
    | RIGHT_PATH_OPEN
    | RIGHT_FD_READDIR
    | RIGHT_PATH_READLINK
    | RIGHT_PATH_FILESTAT_GET
    | RIGHT_FD_FILESTAT_GET
    | RIGHT_POLL_FD_READWRITE;
/// The extra directory rights of a writable preopen.
pub const DIR_RIGHTS_WRITE: u64 = RIGHT_FD_DATASYNC
    | RIGHT_FD_SYNC
    | RIGHT_PATH_CREATE_DIRECTORY
    | RIGHT_PATH_CREATE_FILE
    | RIGHT_PATH_LINK_SOURCE
    | RIGHT_PATH_LINK_TARGET
    | RIGHT_PATH_RENAME_SOURCE
    | RIGHT_PATH_RENAME_TARGET
    | RIGHT_PATH_FILESTAT_SET_SIZE
    | RIGHT_PATH_FILESTAT_SET_TIMES
    | RIGHT_FD_FILESTAT_SET_TIMES
    | RIGHT_PATH_SYMLINK
    | RIGHT_PATH_REMOVE_DIRECTORY
    | RIGHT_PATH_UNLINK_FILE;
/// Rights that need the host file opened for writing.
pub const RIGHTS_NEEDING_WRITE_ACCESS: u64 = RIGHT_FD_WRITE | RIGHT_FD_ALLOCATE | RIGHT_FD_FILESTAT_SET_SIZE;
pub const SOCKET_RIGHTS: u64 = RIGHT_FD_READ
    | RIGHT_FD_WRITE
    | RIGHT_FD_FDSTAT_SET_FLAGS
    | RIGHT_FD_FILESTAT_GET
    | RIGHT_POLL_FD_READWRITE
    | RIGHT_SOCK_SHUTDOWN
    | RIGHT_SOCK_ACCEPT;

// filetype
pub const FILETYPE_UNKNOWN: u8 = 0;
pub const FILETYPE_BLOCK_DEVICE: u8 = 1;
pub const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub const FILETYPE_DIRECTORY: u8 = 3;
pub const FILETYPE_REGULAR_FILE: u8 = 4;
pub const FILETYPE_SOCKET_DGRAM: u8 = 5;
pub const FILETYPE_SOCKET_STREAM: u8 = 6;
pub const FILETYPE_SYMBOLIC_LINK: u8 = 7;

// fdflags
pub const FDFLAGS_APPEND: u16 = 1 << 0;
pub const FDFLAGS_DSYNC: u16 = 1 << 1;
pub const FDFLAGS_NONBLOCK: u16 = 1 << 2;
pub const FDFLAGS_RSYNC: u16 = 1 << 3;
pub const FDFLAGS_SYNC: u16 = 1 << 4;

// oflags
pub const OFLAGS_CREAT: u16 = 1 << 0;
pub const OFLAGS_DIRECTORY: u16 = 1 << 1;
pub const OFLAGS_EXCL: u16 = 1 << 2;
pub const OFLAGS_TRUNC: u16 = 1 << 3;

pub const LOOKUPFLAGS_SYMLINK_FOLLOW: u32 = 1 << 0;

// fstflags
pub const FSTFLAGS_ATIM: u16 = 1 << 0;
pub const FSTFLAGS_ATIM_NOW: u16 = 1 << 1;
pub const FSTFLAGS_MTIM: u16 = 1 << 2;
pub const FSTFLAGS_MTIM_NOW: u16 = 1 << 3;

// whence
pub const WHENCE_SET: u8 = 0;
pub const WHENCE_CUR: u8 = 1;
pub const WHENCE_END: u8 = 2;

// clockid
pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;
pub const CLOCK_PROCESS_CPUTIME_ID: u32 = 2;
pub const CLOCK_THREAD_CPUTIME_ID: u32 = 3;

// eventtype, subclockflags, eventrwflags
pub const EVENTTYPE_CLOCK: u8 = 0;
pub const EVENTTYPE_FD_READ: u8 = 1;
pub const EVENTTYPE_FD_WRITE: u8 = 2;
pub const SUBCLOCKFLAGS_ABSTIME: u16 = 1 << 0;
pub const EVENTRWFLAGS_HANGUP: u16 = 1 << 0;

// riflags, roflags, sdflags
pub const RIFLAGS_RECV_PEEK: u16 = 1 << 0;
pub const RIFLAGS_RECV_WAITALL: u16 = 1 << 1;
pub const ROFLAGS_RECV_DATA_TRUNCATED: u16 = 1 << 0;
pub const SDFLAGS_RD: u8 = 1 << 0;
pub const SDFLAGS_WR: u8 = 1 << 1;

// Record sizes.
pub const FDSTAT_SIZE: u32 = 24;
pub const FILESTAT_SIZE: u32 = 64;
pub const DIRENT_SIZE: u32 = 24;
pub const PRESTAT_SIZE: u32 = 8;
pub const IOVEC_SIZE: u32 = 8;
pub const SUBSCRIPTION_SIZE: u32 = 48;
pub const EVENT_SIZE: u32 = 32;
