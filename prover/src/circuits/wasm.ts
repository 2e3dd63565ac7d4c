/**
 * The few WebAssembly JS-API types this folder uses. The project compiles against `lib: ES2023` with
 * Node's types, neither of which declares the `WebAssembly` global, so it is typed here, minimally,
 * and read from `globalThis` (it exists in every Node and browser runtime).
 */
export type WasmModule = object & { readonly __wasmModule?: never };
export type WasmInstance = { readonly exports: Record<string, unknown> };
export type WasmMemory = { readonly buffer: ArrayBuffer };
export type WasmImports = Record<string, Record<string, unknown>>;

type WasmApi = {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports?: WasmImports) => WasmInstance;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports?: WasmImports): Promise<WasmInstance>;
};

export const Wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
