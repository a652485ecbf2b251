// Node (V8) peer of bench/startup.c: the time from WebAssembly.compile until the first export
// call returns, with dummy imports (functions returning undefined, fresh memories, tables and
// globals). V8 compiles lazily by default. Prints "R node startup-<label>-first ms <samples>".
// Usage: node bench/startup-node.mjs MODULE.wasm LABEL [EXPORT] [RUNS]
import fs from 'node:fs';

const [file, label, exportName, runsArg] = process.argv.slice(2);
const bytes = fs.readFileSync(file);
const runs = Number(runsArg || 3);

function dummyImports(module) {
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (imports[imp.module] ??= {});
    if (imp.kind === 'function') ns[imp.name] = () => 0;
    else if (imp.kind === 'memory') ns[imp.name] = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
    else if (imp.kind === 'table') ns[imp.name] = new WebAssembly.Table({ initial: 0, element: 'anyfunc' });
    else if (imp.kind === 'global') ns[imp.name] = new WebAssembly.Global({ value: 'i32', mutable: false }, 0);
  }
  return imports;
}

const samples = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const module = await WebAssembly.compile(bytes);
  let instance;
  try {
    instance = await WebAssembly.instantiate(module, dummyImports(module));
  } catch (e) {
    console.error(`startup-node: instantiation failed: ${e}`);
    process.exit(1);
  }
  const exports = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
  const target = exportName ? instance.exports[exportName] : instance.exports[(exports.find((e) => instance.exports[e.name].length === 0) ?? exports[0]).name];
  try { target(); } catch { /* a trap also counts as the call returning */ }
  samples.push((performance.now() - t0).toFixed(2));
}
console.log(`R\tnode\tstartup-${label}-first\tms\t${samples.join(',')}`);
