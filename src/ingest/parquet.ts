// Arrow tables → Parquet bytes, with parquet-wasm (the Rust parquet crate in
// WebAssembly). Chosen by measurement: see bench/ingest.ts and docs/ingestion.md.
import { tableToIPC } from 'apache-arrow'
import type { Table } from 'apache-arrow'
import { Compression, Table as WasmTable, WriterPropertiesBuilder, transformParquetStream, writeParquet } from 'parquet-wasm'
import type { WriterProperties } from 'parquet-wasm'

const writerProperties = (): WriterProperties => new WriterPropertiesBuilder().setCompression(Compression.ZSTD).setCreatedBy('pulse').build()

/** One table, encoded in one call. */
export function encodeParquet(table: Table): Uint8Array {
  return writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), writerProperties())
}

/**
 * One Parquet file encoded as its rows arrive: each pushed table is encoded
 * (pages built and compressed) while the thread is otherwise idle, so
 * `finish()` only closes the file instead of encoding every row at once.
 */
export class ParquetStream {
  private controller!: ReadableStreamDefaultController<unknown>
  private readonly parts: Uint8Array[] = []
  private readonly written: Promise<void>

  constructor() {
    const input = new ReadableStream<unknown>({ start: (c) => void (this.controller = c) })
    this.written = transformParquetStream(input, writerProperties()).then(async (output) => {
      for await (const part of output as unknown as AsyncIterable<Uint8Array>) this.parts.push(part)
    })
    // a failure is reported by finish()
    this.written.catch(() => undefined)
  }

  push(table: Table): void {
    const wasm = WasmTable.fromIPCStream(tableToIPC(table, 'stream'))
    for (const batch of wasm.recordBatches()) this.controller.enqueue(batch)
    wasm.free()
  }

  /** Closes the file; resolves to its bytes. */
  async finish(): Promise<Uint8Array> {
    this.controller.close()
    await this.written
    return Buffer.concat(this.parts)
  }
}
