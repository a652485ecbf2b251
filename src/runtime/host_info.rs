//! Host info attached to objects (`wasm_*_set_host_info[_with_finalizer]`): an opaque pointer
//! and an optional finalizer that runs exactly once, when the object is gone or the info is
//! replaced.

use std::ffi::c_void;
use std::sync::Mutex;

pub type Finalizer = unsafe extern "C" fn(*mut c_void);

#[derive(Default)]
pub struct HostInfo(Mutex<Option<(usize, Option<Finalizer>)>>);

impl HostInfo {
    pub fn get(&self) -> *mut c_void {
        self.0.lock().unwrap().map_or(std::ptr::null_mut(), |(p, _)| p as *mut c_void)
    }

    /// Replaces the info and hands back the previous one unfinalized, so the caller can run its
    /// finalizer after releasing any lock it holds (`HostInfo::from_old` + drop).
    pub fn replace(&self, info: *mut c_void, finalizer: Option<Finalizer>) -> HostInfo {
        HostInfo(Mutex::new(self.0.lock().unwrap().replace((info as usize, finalizer))))
    }
}

fn run(entry: Option<(usize, Option<Finalizer>)>) {
    if let Some((p, Some(f))) = entry {
        // SAFETY: the embedder gave us `f` as the finalizer for `p` (wasm.h's set_host_info
        // contract); it runs exactly once, here, when the info is replaced out or dropped.
        unsafe { f(p as *mut c_void) }
    }
}

impl Drop for HostInfo {
    fn drop(&mut self) {
        run(self.0.get_mut().unwrap_or_else(|e| e.into_inner()).take());
    }
}
