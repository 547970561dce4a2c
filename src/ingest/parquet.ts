// Arrow table → Parquet bytes, with parquet-wasm (the Rust parquet crate in
// WebAssembly). Chosen by measurement: see bench/ingest.ts and docs/ingestion.md.
import { tableToIPC } from 'apache-arrow'
import type { Table } from 'apache-arrow'
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm'

export function encodeParquet(table: Table): Uint8Array {
  const ipc = tableToIPC(table, 'stream')
  const wasmTable = WasmTable.fromIPCStream(ipc)
  const props = new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setCreatedBy('pulse').build()
  return writeParquet(wasmTable, props)
}
