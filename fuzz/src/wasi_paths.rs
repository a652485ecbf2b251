//! Target 5: WASI path calls with hostile paths (`..`, absolute paths, symlinks out of the
//! sandbox, empty and odd components) against a writable preopened temporary directory. After
//! every input, nothing outside the sandbox may have changed: a sibling directory with a
//! secret file, reachable by `..` and by symlinks planted inside the sandbox, is compared
//! byte for byte with its state before.

use crate::capi::*;
use arbitrary::Unstructured;
use std::path::{Path, PathBuf};

/// The guest: one export per WASI path call, each taking (ptr, len) of a path (and a second
/// path at 1024 for the two-path calls) and returning the errno. fd 3 is the preopen.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory" (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_remove_directory" (func $rmdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_rename" (func $rename (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  ;; open(path, oflags, dirflags) then write 4 bytes and close; errno of the open.
  (func (export "open_write") (param $p i32) (param $n i32) (param $oflags i32) (param $dirflags i32) (result i32)
    (local $e i32)
    (local.set $e (call $open (i32.const 3) (local.get $dirflags) (local.get $p) (local.get $n) (local.get $oflags)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 2048)))
    (if (i32.eqz (local.get $e)) (then
      (i32.store (i32.const 2060) (i32.const 0x6b636168))
      (i32.store (i32.const 2064) (i32.const 2060))
      (i32.store (i32.const 2068) (i32.const 4))
      (drop (call $write (i32.load (i32.const 2048)) (i32.const 2064) (i32.const 1) (i32.const 2072)))
      (drop (call $close (i32.load (i32.const 2048))))))
    (local.get $e))
  (func (export "unlink") (param i32 i32) (result i32) (call $unlink (i32.const 3) (local.get 0) (local.get 1)))
  (func (export "mkdir") (param i32 i32) (result i32) (call $mkdir (i32.const 3) (local.get 0) (local.get 1)))
  (func (export "rmdir") (param i32 i32) (result i32) (call $rmdir (i32.const 3) (local.get 0) (local.get 1)))
  (func (export "symlink") (param i32 i32 i32 i32) (result i32)
    (call $symlink (local.get 0) (local.get 1) (i32.const 3) (local.get 2) (local.get 3)))
  (func (export "rename") (param i32 i32 i32 i32) (result i32)
    (call $rename (i32.const 3) (local.get 0) (local.get 1) (i32.const 3) (local.get 2) (local.get 3))))"#;

const COMPONENTS: &[&str] = &[
    "..",
    ".",
    "",
    "/",
    "outside",
    "secret",
    "escape",
    "abs",
    "up",
    "a",
    "b",
    "sandbox",
    "/tmp",
    "/etc/passwd",
    "x\0y",
];

/// Everything under `dir` (relative paths, file contents, link targets), for comparisons.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap_or(&p).to_path_buf();
            let meta = std::fs::symlink_metadata(&p);
            let content = match meta {
                Ok(m) if m.file_type().is_symlink() => {
                    std::fs::read_link(&p).map(|t| t.into_os_string().into_encoded_bytes()).unwrap_or_default()
                }
                Ok(m) if m.is_dir() => {
                    stack.push(p.clone());
                    b"<dir>".to_vec()
                }
                _ => std::fs::read(&p).unwrap_or_default(),
            };
            out.push((rel, content));
        }
    }
    out.sort();
    out
}

/// One input: a fresh sandbox, a script of path calls, then the outside must be unchanged.
/// Returns (calls, calls that succeeded).
pub fn run(data: &[u8], engine: *mut wasm_engine_t) -> (u64, u64) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let root = std::env::temp_dir().join(format!(
        "wasmlift-wasi-fuzz-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let sandbox = root.join("sandbox");
    let outside = root.join("outside");
    std::fs::create_dir_all(&sandbox).unwrap();
    std::fs::create_dir_all(outside.join("dir")).unwrap();
    std::fs::write(outside.join("secret"), b"do not touch").unwrap();
    std::os::unix::fs::symlink("../outside", sandbox.join("escape")).unwrap();
    std::os::unix::fs::symlink(&outside, sandbox.join("abs")).unwrap();
    std::os::unix::fs::symlink("..", sandbox.join("up")).unwrap();
    let before = snapshot(&outside);
    let root_before: Vec<_> = snapshot(&root).into_iter().filter(|(p, _)| !p.starts_with("sandbox")).collect();
    let mut u = Unstructured::new(data);
    let (mut calls, mut succeeded) = (0, 0);
    // SAFETY: every C API object is created and deleted here, once; the guest's memory is
    // written only within its 64 KiB.
    unsafe {
        let cfg = wasmlift_wasi_config_new();
        let host = std::ffi::CString::new(sandbox.to_str().unwrap()).unwrap();
        assert!(wasmlift_wasi_config_preopen_dir(cfg, host.as_ptr(), c"/sandbox".as_ptr(), true), "{}", last_error());
        let wasi = wasmlift_wasi_new(cfg);
        wasmlift_wasi_config_delete(cfg);
        assert!(!wasi.is_null(), "{}", last_error());
        let store = wasm_store_new(engine);
        let module = compile(store, &wat2wasm(GUEST));
        let mut imports = wasm_extern_vec_t::empty();
        assert!(wasmlift_wasi_define_imports(wasi, store, module, &mut imports), "{}", last_error());
        let instance = wasm_instance_new(store, module, &imports, std::ptr::null_mut());
        assert!(!instance.is_null(), "{}", last_error());
        assert!(wasmlift_wasi_bind_instance(wasi, instance));
        let mut exports = wasm_extern_vec_t::empty();
        wasm_instance_exports(instance, &mut exports);
        let ex = exports.as_slice().to_vec();
        let memory = wasm_extern_as_memory(ex[0]);
        let base = wasm_memory_data(memory) as *mut u8;
        let path = |u: &mut Unstructured, at: usize| -> i32 {
            let mut p: Vec<u8> = Vec::new();
            for _ in 0..u.int_in_range(1..=5u8).unwrap_or(1) {
                if !p.is_empty() || u.arbitrary().unwrap_or(false) {
                    p.push(b'/');
                }
                match u.int_in_range(0..=COMPONENTS.len()).unwrap_or(0) {
                    k if k < COMPONENTS.len() => p.extend_from_slice(COMPONENTS[k].as_bytes()),
                    _ => {
                        p.extend((0..u.int_in_range(1..=3u8).unwrap_or(1)).map(|_| u.arbitrary::<u8>().unwrap_or(b'z')))
                    }
                }
            }
            p.truncate(900);
            std::ptr::copy_nonoverlapping(p.as_ptr(), base.add(at), p.len());
            p.len() as i32
        };
        while let Ok(op) = u.int_in_range(0..=5u8) {
            if calls >= 24 {
                break;
            }
            calls += 1;
            let n = path(&mut u, 0);
            let (f, args): (usize, Vec<wasm_val_t>) = match op {
                0 => {
                    let oflags: i32 = u.int_in_range(0..=15).unwrap_or(1);
                    let dirflags: i32 = u.int_in_range(0..=1).unwrap_or(0);
                    (1, vec![i32v(0), i32v(n), i32v(oflags), i32v(dirflags)])
                }
                1..=3 => (1 + op as usize, vec![i32v(0), i32v(n)]),
                _ => {
                    let m = path(&mut u, 1024);
                    (1 + op as usize, vec![i32v(0), i32v(n), i32v(1024), i32v(m)])
                }
            };
            let func = wasm_extern_as_func(ex[f]);
            let mut a = args;
            let mut r = [zero_val(WASM_I32)];
            let av = wasm_val_vec_t { size: a.len(), data: a.as_mut_ptr() };
            let mut rv = wasm_val_vec_t { size: 1, data: r.as_mut_ptr() };
            let t = wasm_func_call(func, &av, &mut rv);
            assert!(t.is_null(), "a WASI call trapped: {}", trap_message(t));
            succeeded += (r[0].of.i32 == 0) as u64;
        }
        wasm_extern_vec_delete(&mut exports);
        wasm_instance_delete(instance);
        wasm_extern_vec_delete(&mut imports);
        wasm_module_delete(module);
        wasm_store_delete(store);
        wasmlift_wasi_delete(wasi);
    }
    let after = snapshot(&outside);
    assert_eq!(before, after, "a WASI path call changed something outside the sandbox");
    let root_after: Vec<_> = snapshot(&root).into_iter().filter(|(p, _)| !p.starts_with("sandbox")).collect();
    assert_eq!(root_before, root_after, "a WASI path call changed the sandbox's parent directory");
    std::fs::remove_dir_all(&root).ok();
    (calls, succeeded)
}

fn i32v(x: i32) -> wasm_val_t {
    wasm_val_t { kind: WASM_I32, of: wasm_val_union { i32: x } }
}
