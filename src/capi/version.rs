//! The library's version (`wasmlift_version`, `WASMLIFT_VERSION_*`), emitted into
//! `include/wasmlift.h` together with src/capi/extensions.rs (see build.rs). The constants are
//! written out literally so that cbindgen sees them; a unit test checks them against Cargo.toml.

use std::os::raw::c_char;

/// The major version of the wasmlift release these headers belong to.
pub const WASMLIFT_VERSION_MAJOR: u32 = 0;
/// The minor version of the wasmlift release these headers belong to.
pub const WASMLIFT_VERSION_MINOR: u32 = 1;
/// The patch version of the wasmlift release these headers belong to.
pub const WASMLIFT_VERSION_PATCH: u32 = 0;

static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The version of the loaded library as a static NUL-terminated string ("0.1.0"), which can
/// differ from the `WASMLIFT_VERSION_*` macros of the headers a program was compiled with.
#[no_mangle]
pub extern "C" fn wasmlift_version() -> *const c_char {
    VERSION.as_ptr() as *const c_char
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_cargo_version() {
        assert_eq!(WASMLIFT_VERSION_MAJOR.to_string(), env!("CARGO_PKG_VERSION_MAJOR"));
        assert_eq!(WASMLIFT_VERSION_MINOR.to_string(), env!("CARGO_PKG_VERSION_MINOR"));
        assert_eq!(WASMLIFT_VERSION_PATCH.to_string(), env!("CARGO_PKG_VERSION_PATCH"));
        // SAFETY: `wasmlift_version` returns a pointer to a static NUL-terminated string.
        let s = unsafe { std::ffi::CStr::from_ptr(wasmlift_version()) };
        assert_eq!(s.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(
            s.to_str().unwrap(),
            format!("{WASMLIFT_VERSION_MAJOR}.{WASMLIFT_VERSION_MINOR}.{WASMLIFT_VERSION_PATCH}")
        );
    }
}
