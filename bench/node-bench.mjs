// Node (V8) peer of bench/harness.c: the same measurements through the WebAssembly JS API,
// printing the same "R <engine> <metric> <unit> <samples>" lines for bench/report.py.
// JS->wasm calls stand in for wasm_func_call and a JS import for the wasm_func_new host function.
// V8 compiles lazily by default; run.sh measures `compile` with eager optimizing flags
// (--no-liftoff --no-wasm-lazy-compilation) and reports the default as `compile-lazy`.
// Usage: node bench/node-bench.mjs [--bench-dir DIR] [--large FILE] [--only LIST]
//        [--compile-metric NAME] [--expected FILE] [--smoke] [--kernel-runs N] ...
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const opt = {
    engine: 'node',
    benchDir: path.dirname(fileURLToPath(import.meta.url)),
    large: null,
    compileMetric: 'compile',
    only: null,
    expected: null,
    smoke: false,
    warmUp: false,
    kernelRuns: 5,
    compileRuns: 2,
    instantiateCount: 2000,
    callBatches: 40,
    callBatch: 20000,
    hostBatches: 40,
    hostBatch: 100000,
};

const flags = {
    '--engine': (v) => { opt.engine = v; },
    '--bench-dir': (v) => { opt.benchDir = v; },
    '--large': (v) => { opt.large = v; },
    '--compile-metric': (v) => { opt.compileMetric = v; },
    '--only': (v) => { opt.only = v.split(','); },
    '--expected': (v) => { opt.expected = v; },
    '--kernel-runs': (v) => { opt.kernelRuns = posInt(v); },
    '--compile-runs': (v) => { opt.compileRuns = posInt(v); },
    '--instantiate-count': (v) => { opt.instantiateCount = posInt(v); },
    '--call-batches': (v) => { opt.callBatches = posInt(v); },
    '--call-batch': (v) => { opt.callBatch = posInt(v); },
    '--host-batches': (v) => { opt.hostBatches = posInt(v); },
    '--host-batch': (v) => { opt.hostBatch = posInt(v); },
};

function posInt(v) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) usage();
    return n;
}

function usage() {
    console.error('usage: node-bench.mjs [--bench-dir DIR] [--large FILE] [--only LIST] ' +
        '[--expected FILE] [--smoke] [--warm-up] [--kernel-runs N] [--compile-runs N] ...');
    process.exit(2);
}

const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--smoke') { opt.smoke = true; continue; }
    // One untimed kernel call first (as the C harness's --warm-up): the steady state.
    if (argv[i] === '--warm-up') { opt.warmUp = true; continue; }
    const f = flags[argv[i]];
    if (!f || i + 1 >= argv.length) usage();
    f(argv[++i]);
}
if (opt.smoke) {
    Object.assign(opt, { kernelRuns: 1, compileRuns: 1, instantiateCount: 20, callBatches: 2,
        callBatch: 100, hostBatches: 2, hostBatch: 100 });
}

let failures = 0;
function fail(msg) {
    console.error(`node-bench [${opt.engine}]: ${msg}`);
    failures++;
}

const selected = (what) => !opt.only || opt.only.includes(what);
const now = () => process.hrtime.bigint();
const elapsedNs = (t0) => Number(process.hrtime.bigint() - t0);

function report(metric, unit, samples) {
    const fmt = (x) => Number(x.toPrecision(6)).toString();
    console.log(`R\t${opt.engine}\t${metric}\t${unit}\t${samples.map(fmt).join(',')}`);
}

const benchFile = (rel) => fs.readFileSync(path.join(opt.benchDir, rel));

// A custom section carrying a counter: V8 caches compiled modules by their bytes, so each
// compilation gets bytes of its own (wasm.h engines have no such in-process cache).
function withNonce(bytes, counter) {
    const name = Buffer.from('wasmlift-bench-nonce');
    const payload = Buffer.alloc(4);
    payload.writeUInt32LE(counter);
    const body = Buffer.concat([Buffer.from([name.length]), name, payload]);
    return Buffer.concat([bytes, Buffer.from([0, body.length]), body]);
}

function benchCompile() {
    const original = fs.readFileSync(opt.large);
    if (!WebAssembly.validate(original)) {
        fail(`large module ${opt.large} does not validate`);
        return;
    }
    const mb = original.length / 1e6;
    const samples = [];
    const cpuSamples = [];
    const salt = (process.pid * 1000 + Date.now()) >>> 0;
    for (let r = 0; r < opt.compileRuns; r++) {
        if (globalThis.gc) globalThis.gc();
        const bytes = withNonce(original, (salt + r) >>> 0);
        const c0 = process.cpuUsage();
        const t0 = now();
        new WebAssembly.Module(bytes);
        const s = elapsedNs(t0) / 1e9;
        const c = process.cpuUsage(c0);
        const cpu = (c.user + c.system) / 1e6;
        console.log(`# compile ${mb.toFixed(2)} MB in ${s.toFixed(3)} s (${cpu.toFixed(3)} s CPU)`);
        samples.push(mb / s);
        cpuSamples.push(mb / cpu);
    }
    report(opt.compileMetric, 'MB/s', samples);
    report(`${opt.compileMetric}-cpu`, 'MB/s', cpuSamples);
}

function instantiateLoop(metric, rel, check) {
    const module = new WebAssembly.Module(benchFile(rel));
    const samples = [];
    let last;
    for (let i = 0; i < opt.instantiateCount; i++) {
        const t0 = now();
        last = new WebAssembly.Instance(module, {});
        samples.push(elapsedNs(t0) / 1e3);
    }
    if (check) check(last);
    report(metric, 'us', samples);
}

function benchInstantiate() {
    instantiateLoop('instantiate', 'modules/instantiate.wasm', (last) => {
        if (last.exports.load(1024) !== 0x04030201) fail('data segment not initialised');
    });
}

// instantiate:<kernel> for every kernel module (V8 keeps instances until they are collected,
// so there is no separate "100 live" pattern here).
function benchInstantiateKernels() {
    const list = fs.readFileSync(path.join(opt.benchDir, 'kernels/kernels.tsv'), 'utf8');
    for (const line of list.split('\n')) {
        if (line.startsWith('#') || !line.trim()) continue;
        const name = line.trim().split(/\s+/)[0];
        const metric = `instantiate:${name}`;
        if (selected('instantiate-kernels') || selected(metric)) instantiateLoop(metric, `kernels/${name}.wasm`);
    }
}

const CALL_METRICS = ['call', 'call-i32', 'call-mixed8', 'hostcall', 'hostcall-0', 'hostcall-2',
    'hostcall-env-0', 'hostcall-env-2'];

function benchCalls() {
    const module = new WebAssembly.Module(benchFile('modules/calls.wasm'));
    // JS has no separate "with env" host functions: closures over a counter stand in for them.
    const envCalls = [0, 0];
    const env = {
        host: (x) => (x + 1) | 0,
        host0: () => {},
        host2: (a, b) => (a + b) | 0,
        host0_env: () => { envCalls[0]++; },
        host2_env: (a, b) => { envCalls[1]++; return (a + b) | 0; },
    };
    const instance = new WebAssembly.Instance(module, { env });
    const { nop, id, mixed8 } = instance.exports;
    const timeCalls = (metric, f) => {
        if (!selected(metric)) return;
        const samples = [];
        for (let b = 0; b < opt.callBatches; b++) {
            const t0 = now();
            f();
            samples.push(elapsedNs(t0) / opt.callBatch);
        }
        report(metric, 'ns', samples);
    };
    const n = opt.callBatch;
    timeCalls('call', () => { for (let i = 0; i < n; i++) nop(); });
    timeCalls('call-i32', () => { for (let i = 0; i < n; i++) id(i); });
    timeCalls('call-mixed8', () => { for (let i = 0; i < n; i++) mixed8(1, 2n, 3, 4, 5, 6n, 7, 8); });
    const loops = [['hostcall', 'host_loop'], ['hostcall-0', 'host0_loop'], ['hostcall-2', 'host2_loop'],
        ['hostcall-env-0', 'host0_env_loop'], ['hostcall-env-2', 'host2_env_loop']];
    for (const [metric, name] of loops) {
        if (!selected(metric)) continue;
        const loop = instance.exports[name];
        const samples = [];
        for (let b = 0; b < opt.hostBatches; b++) {
            const t0 = now();
            const got = loop(opt.hostBatch);
            samples.push(elapsedNs(t0) / opt.hostBatch);
            if (got !== opt.hostBatch) {
                fail(`${name} returned a wrong count`);
                return;
            }
        }
        report(metric, 'ns', samples);
    }
}

function loadExpected() {
    const table = new Map();
    if (!opt.expected) return table;
    for (const line of fs.readFileSync(opt.expected, 'utf8').split('\n')) {
        const [name, n, sum] = line.trim().split(/\s+/);
        if (sum !== undefined) table.set(`${name} ${n}`, BigInt(sum));
    }
    return table;
}

function benchKernels() {
    const expected = loadExpected();
    const list = fs.readFileSync(path.join(opt.benchDir, 'kernels/kernels.tsv'), 'utf8');
    for (const line of list.split('\n')) {
        if (line.startsWith('#') || !line.trim()) continue;
        const [name, benchN, smokeN] = line.trim().split(/\s+/);
        if (!selected('kernels') && !selected(`kernel:${name}`) && !selected(name)) continue;
        const n = Number(opt.smoke ? smokeN : benchN);
        const want = expected.get(`${name} ${n}`);
        if (want === undefined) {
            // No native results here: the checksum is printed but cannot be verified.
            fail(`no expected checksum for ${name} ${n} (pass --expected)`);
        }
        const module = new WebAssembly.Module(benchFile(`kernels/${name}.wasm`));
        const { run } = new WebAssembly.Instance(module, {}).exports;
        const samples = [];
        let ok = true;
        if (opt.warmUp) run(n);
        for (let r = 0; r < opt.kernelRuns && ok; r++) {
            const t0 = now();
            const sum = BigInt.asIntN(64, run(n));
            samples.push(elapsedNs(t0) / 1e6);
            if (want !== undefined && sum !== want) {
                fail(`${name}: wrong checksum ${sum} (expected ${want})`);
                ok = false;
            } else if (r === 0) {
                console.log(`# checksum ${name} ${n} ${sum}${want !== undefined ? ' ok' : ''}`);
            }
        }
        if (ok) report(`kernel:${name}`, 'ms', samples);
    }
}

// The GC kernels (kernels/gc.tsv), each run in a fresh instance. They use the final
// WebAssembly 3.0 encoding; a V8 that only knows an earlier draft's opcodes (node 20 with
// --experimental-wasm-gc) rejects them: reported as "n/a" with V8's message, not as a failure.
function benchGcKernels() {
    const expected = loadExpected();
    const list = fs.readFileSync(path.join(opt.benchDir, 'kernels/gc.tsv'), 'utf8');
    for (const line of list.split('\n')) {
        if (line.startsWith('#') || !line.trim()) continue;
        const [name, benchN, smokeN] = line.trim().split(/\s+/);
        if (!selected('gc') && !selected(`gc:${name}`) && !selected(name)) continue;
        const n = Number(opt.smoke ? smokeN : benchN);
        const want = expected.get(`${name} ${n}`);
        if (want === undefined) fail(`no expected checksum for ${name} ${n} (pass --expected)`);
        let module;
        try {
            module = new WebAssembly.Module(benchFile(`kernels/${name}.wasm`));
        } catch (e) {
            if (!(e instanceof WebAssembly.CompileError)) throw e;
            console.log(`# n/a gc:${name}: ${e.message} (node ${process.version}, ` +
                `flags: ${process.execArgv.join(' ') || 'none'})`);
            continue;
        }
        const samples = [];
        let ok = true;
        for (let r = 0; r < opt.kernelRuns && ok; r++) {
            const { run } = new WebAssembly.Instance(module, {}).exports;
            const t0 = now();
            const sum = BigInt.asIntN(64, run(n));
            samples.push(elapsedNs(t0) / 1e6);
            if (want !== undefined && sum !== want) {
                fail(`${name}: wrong checksum ${sum} (expected ${want})`);
                ok = false;
            } else if (r === 0) {
                console.log(`# checksum ${name} ${n} ${sum}${want !== undefined ? ' ok' : ''}`);
            }
        }
        if (ok) report(`gc:${name}`, 'ms', samples);
    }
}

if (opt.large && selected('compile')) benchCompile();
if (selected('instantiate')) benchInstantiate();
benchInstantiateKernels();
if (CALL_METRICS.some(selected)) benchCalls();
benchKernels();
benchGcKernels();
if (failures) {
    console.error(`node-bench [${opt.engine}]: ${failures} failure(s)`);
    process.exitCode = 1;
}
